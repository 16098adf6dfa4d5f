import Telemetry

/// A stage failed and the job cannot go on. Carries what an operator needs, never a key or body.
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Machine-readable codes, also the `rag.error.code` span attribute and the webhook's `error.code`.
    public enum Code: String, Sendable, Codable {
        case deadlineExceeded = "deadline_exceeded"
        case providerUnavailable = "provider_unavailable"
        case providerRejected = "provider_rejected"
        case invalidModelOutput = "invalid_model_output"
        case unsafeOutput = "unsafe_output"
        case storeUnavailable = "store_unavailable"
        case internalError = "internal_error"
    }

    public var code: Code
    public var stage: PipelineStage
    public var provider: String?
    /// The provider's HTTP status, when it answered.
    public var status: Int?
    public var attempts: Int
    public var message: String
    /// The provider's own error message (``ProviderError/providerMessage``): content, kept out
    /// of ``description`` and ``message``.
    public var providerMessage: String?

    public init(
        code: Code, stage: PipelineStage, provider: String? = nil, status: Int? = nil, attempts: Int = 1, message: String,
        providerMessage: String? = nil
    ) {
        self.code = code
        self.stage = stage
        self.provider = provider
        self.status = status
        self.attempts = attempts
        self.message = message
        self.providerMessage = providerMessage
    }

    public var description: String {
        var text = "\(stage.rawValue) failed (\(code.rawValue))"
        if let provider { text += " at \(provider)" }
        if let status { text += " with HTTP \(status)" }
        return text + " after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(message)"
    }
}
