/// What a field of a telemetry record holds, which decides whether its value may leave the
/// process (docs/observability.md, "What leaves the process").
///
/// Every class but ``content`` leaves, each after a check of its value's shape, so that a value
/// which does not look like what its class promises (a sentence where a stage name belongs) is
/// withheld too. Numbers and booleans always leave: they cannot carry text.
public enum ContentClass: String, Sendable, CaseIterable {
    /// Names an object: a job id, trace and span ids, a provider's request id, an object key.
    case identifier
    /// How many: attempts, items, tokens, records, bytes, lengths.
    case count
    /// How long or when: milliseconds, seconds, a retry delay, a timestamp.
    case duration
    /// A digest (hex or Base64) of something, never of a text short enough to guess back.
    case hash
    /// Who served a stage: `openai:gpt-4o-mini`, `cohere:rerank-v3.5`, the webhook's host.
    case providerName
    /// A machine-readable failure: the project's error codes, a provider's error code, an HTTP
    /// status, an error type.
    case errorCode
    /// A word from a vocabulary the worker chose: stage, outcome, level, logger label, span name.
    case label
    /// Text the worker's own code wrote about its own work: a log message, an error's
    /// description, a span status message. It leaves unless it repeats the text of a job in
    /// progress (``ContentScreen``), which only a bug would make it do.
    case diagnostic
    /// The text of a posting, question, proposal, prompt, retrieved document or provider reply,
    /// and every field the inventory does not know: never leaves by default.
    case content

    /// Whether values of this class leave the process (after their shape check).
    public var leaves: Bool { self != .content }
}
