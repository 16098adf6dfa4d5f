/// The inventory of what leaves the process: every span attribute, span event attribute and log
/// metadata key the worker (and the libraries it runs) writes, with its ``ContentClass``.
///
/// A name missing here is ``ContentClass/content``: a new call site that adds a field leaves
/// nothing until someone classifies the field here (and in docs/observability.md, which a test
/// keeps in step with this table).
extension ContentPolicy {
    /// Span attributes, span event attributes and log metadata keys, by name.
    public static let inventory: [String: ContentClass] = {
        var table: [String: ContentClass] = [:]
        for (name, kind) in spanAttributes + logKeys + libraryKeys { table[name] = kind }
        return table
    }()

    /// Span attributes (``SpanAttributes``), including the GenAI names and the span event
    /// attributes of recorded errors.
    static let spanAttributes: [(String, ContentClass)] = [
        (SpanAttributes.jobID, .identifier),
        (SpanAttributes.stage, .label),
        (SpanAttributes.provider, .providerName),
        (SpanAttributes.attempts, .count),
        (SpanAttributes.outcome, .label),
        (SpanAttributes.errorCode, .errorCode),
        (SpanAttributes.itemCount, .count),
        (SpanAttributes.providerMessage, .content),
        (SpanAttributes.captureStore, .label),
        (SpanAttributes.captureURI, .identifier),
        (SpanAttributes.searchUnits, .count),
        // The job's quality signals, usage and cost (on `rag.job`): numbers and the worker's own
        // words; the unsupported sentences a quality check quotes are proposal text.
        (SpanAttributes.qualityEvaluator, .label),
        (SpanAttributes.groundedness, .count),
        (SpanAttributes.claims, .count),
        (SpanAttributes.unsupportedClaims, .count),
        (SpanAttributes.unsupportedClaimsText, .content),
        (SpanAttributes.questionsAsked, .count),
        (SpanAttributes.questionsAnswered, .count),
        (SpanAttributes.words, .count),
        (SpanAttributes.lengthWithinRange, .label),
        (SpanAttributes.repairs, .count),
        (SpanAttributes.guardBlocks, .count),
        (SpanAttributes.degradedStages, .label),
        (SpanAttributes.jobInputTokens, .count),
        (SpanAttributes.jobOutputTokens, .count),
        (SpanAttributes.costUSD, .count),
        (SpanAttributes.unpricedModels, .providerName),
        // The SLO counting's verdicts (on `rag.slo`): the SLO's name, good/bad/excluded, and a cause
        // that is `late`, `undelivered`, `dead_letter` or an error code.
        (SpanAttributes.sloName, .label),
        (SpanAttributes.sloOutcome, .label),
        (SpanAttributes.sloCause, .errorCode),
        // OpenTelemetry GenAI names (model call spans and evaluation events).
        (SpanAttributes.genAIOperationName, .label),
        (SpanAttributes.genAIProviderName, .providerName),
        (SpanAttributes.genAIRequestModel, .providerName),
        (SpanAttributes.genAIResponseModel, .providerName),
        (SpanAttributes.genAIResponseID, .identifier),
        (SpanAttributes.genAIInputTokens, .count),
        (SpanAttributes.genAIOutputTokens, .count),
        (SpanAttributes.genAICacheReadInputTokens, .count),
        (SpanAttributes.genAIReasoningOutputTokens, .count),
        (SpanAttributes.genAIEvaluationEvent, .label),
        (SpanAttributes.genAIEvaluationName, .label),
        (SpanAttributes.genAIEvaluationScoreValue, .count),
        (SpanAttributes.genAIEvaluationScoreLabel, .label),
        // The worker's one-line summary in counts ("3 of 5 claims … supported"), never proposal text.
        (SpanAttributes.genAIEvaluationExplanation, .diagnostic),
        (SpanAttributes.httpStatusCode, .errorCode),
        (SpanAttributes.errorType, .errorCode),
        // Recorded errors become `exception` events (OpenTelemetry's exception conventions).
        ("exception.type", .errorCode),
        ("exception.message", .diagnostic),
        // Content by name, should a later change write them: the GenAI conventions' opt-in messages.
        ("gen_ai.input.messages", .content),
        ("gen_ai.output.messages", .content),
        ("gen_ai.system_instructions", .content),
    ]

    /// Log metadata keys the worker's code writes (``LogKeys`` and the call sites' own).
    static let logKeys: [(String, ContentClass)] = [
        (LogKeys.jobID, .identifier),
        (LogKeys.traceID, .identifier),
        (LogKeys.spanID, .identifier),
        (LogKeys.stage, .label),
        (LogKeys.provider, .providerName),
        (LogKeys.providerMessage, .content),
        ("error", .diagnostic),
        ("model", .providerName),
        ("evaluator", .label),
        ("error.code", .errorCode),
        ("error.kind", .errorCode),
        ("problems", .diagnostic),
        ("attempt", .count),
        ("retry", .count),
        ("delay_ms", .duration),
        ("duration.ms", .duration),
        ("retry.in", .duration),
        ("retire.after", .duration),
        ("retention.days", .count),
        ("jobs", .count),
        ("records", .count),
        ("pending", .count),
        ("dropped", .count),
        ("chunks", .count),
        ("concurrency", .count),
        ("version", .count),
        ("port", .count),
        ("http.status", .errorCode),
        ("http.connections.limit", .count),
        ("http.connections.closed", .count),
        ("failures.previous_interval", .count),
        ("client.address", .identifier),
        ("host", .identifier),
        ("path", .identifier),
        ("data.dir", .identifier),
        ("secret.id", .identifier),
        ("keys", .label),
        ("arn", .identifier),
        ("store", .providerName),
        ("store.inventory", .diagnostic),
        ("webhook", .providerName),
        ("cloudwatch", .identifier),
        ("capture", .identifier),
        ("pipeline", .diagnostic),
        ("profile", .label),
        ("platform", .label),
        ("aws.service", .providerName),
        ("aws.operation", .label),
        ("aws.attempt", .count),
        ("aws.status", .errorCode),
        ("aws.error_code", .errorCode),
        ("aws.request_id", .identifier),
        ("aws.retry_in_ms", .duration),
    ]

    /// Keys written by the libraries whose loggers are the worker's (Hummingbird,
    /// swift-service-lifecycle).
    static let libraryKeys: [(String, ContentClass)] = [
        ("hb.request.id", .identifier),
        ("hb.request.method", .label),
        ("hb.request.path", .identifier),
        ("error.type", .errorCode),
        ("sl-signal", .label),
        ("sl-gracefulShutdownSignals", .diagnostic),
        ("sl-cancellationSignals", .diagnostic),
        ("sl-service", .label),
        ("sl-services", .diagnostic),
        ("sl-error", .diagnostic),
    ]

    /// The fields of the documents themselves (docs/observability.md lists them with these classes).
    public static let recordFields: [(name: String, kind: ContentClass)] = [
        ("type", .label), ("time", .duration), ("start", .duration), ("duration_ms", .duration),
        ("name", .label), ("kind", .label), ("parent.id", .identifier), ("status", .label),
        ("status.message", .diagnostic), ("events", .label), ("errors", .diagnostic), ("links", .identifier),
        ("level", .label), ("label", .label), ("message", .diagnostic), ("source", .label),
    ]
}
