/// One failed call to a provider (a model API, a store). The retry loop in ``ProviderCall``
/// decides on ``isRetryable``; the pipeline turns the last one into a ``PipelineError``.
///
/// Carries the provider's status, its request id and error code, never a key, token or body. A
/// provider's error answer is cut to its code and message fields; the message (which may echo
/// the request) is kept apart in ``providerMessage``, out of ``description``.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in categories the retry policy acts on.
    public enum Kind: String, Sendable, Equatable {
        /// 429: the provider asked to slow down. Retried after `Retry-After` or the backoff.
        case throttled
        /// 5xx or 408: retried.
        case serverError
        /// No answer: connection refused or reset, DNS, TLS. Retried.
        case transport
        /// The attempt ran past its time limit. Retried while the stage has time.
        case timedOut
        /// A 2xx answer whose body is not what the API documents. Retried.
        case malformedResponse
        /// Any other 4xx (including 401 after a key refresh): sending again will not help.
        case rejected
        /// The model answered, but not with a valid proposal (after the repair attempt).
        case invalidOutput
        /// The provider is not configured (no key). Not retried.
        case notConfigured
    }

    public var kind: Kind
    /// ``ProviderIdentity/name`` of the provider.
    public var provider: String
    public var status: Int?
    /// How long the provider asked us to wait (`Retry-After`).
    public var retryAfter: Duration?
    /// The provider's request id header, for support tickets.
    public var requestID: String?
    /// The provider's machine-readable error code or type (never its free-text message,
    /// which can echo input or a masked key).
    public var providerCode: String?
    /// The `message` field of the provider's error answer, sanitized and cut to 300 characters.
    /// It may echo the request (a 400 that quotes the prompt), so it is content: it reaches the
    /// span and log fields the ``Telemetry/ContentPolicy`` withholds, never ``description``.
    public var providerMessage: String?
    /// What went wrong, in the worker's words.
    public var message: String

    public init(
        kind: Kind,
        provider: String,
        status: Int? = nil,
        retryAfter: Duration? = nil,
        requestID: String? = nil,
        providerCode: String? = nil,
        providerMessage: String? = nil,
        message: String
    ) {
        self.kind = kind
        self.provider = provider
        self.status = status
        self.retryAfter = retryAfter
        self.requestID = requestID
        self.providerCode = providerCode
        self.providerMessage = providerMessage
        self.message = message
    }

    /// Whether the same request may succeed if sent again.
    public var isRetryable: Bool {
        switch kind {
        case .throttled, .serverError, .transport, .timedOut, .malformedResponse: true
        case .rejected, .invalidOutput, .notConfigured: false
        }
    }

    public var description: String {
        var text = "\(provider): \(kind.rawValue)"
        if let status { text += " (HTTP \(status))" }
        if let providerCode { text += " [\(providerCode)]" }
        if let requestID { text += " request \(requestID)" }
        return text + ": \(message)"
    }
}
