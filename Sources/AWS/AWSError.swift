/// A failed AWS call: what an operator needs to act on it, and whether trying again may help.
///
/// Built from the service's error document (JSON `__type`/`message`, or query/XML
/// `<Error><Code>`/`<Message>`) and the request id header, or from a transfer that produced no
/// response. Never carries a key, a token or a request body; the message is the service's own.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, in categories callers can act on.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: String, Hashable, Sendable {
            case service, transport, credentials, configuration, invalidRequest, invalidResponse, notImplemented
        }

        fileprivate let code: Code

        /// The service answered with an error status (see ``AWSError/code`` and ``AWSError/status``).
        public static let service = Kind(code: .service)
        /// No response arrived: connection failure, timeout, reset.
        public static let transport = Kind(code: .transport)
        /// No credentials could be obtained from the provider chain.
        public static let credentials = Kind(code: .credentials)
        /// The client is not configured for the call (e.g. no region).
        public static let configuration = Kind(code: .configuration)
        /// The request could not be built (e.g. a NaN metric value).
        public static let invalidRequest = Kind(code: .invalidRequest)
        /// A successful status whose body could not be read.
        public static let invalidResponse = Kind(code: .invalidResponse)
        /// The endpoint does not implement the operation (e.g. an emulator lacks it).
        public static let notImplemented = Kind(code: .notImplemented)

        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// The service, by its SDK service id (e.g. `CloudWatch Logs`).
    public let service: String
    /// The API operation (e.g. `PutLogEvents`).
    public let operation: String
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The AWS error code, e.g. `SignatureDoesNotMatch`, `AccessDenied`, `ThrottlingException`.
    public let code: String?
    /// The service's message, or a description of the local failure.
    public let message: String
    /// The request id AWS assigned (`x-amzn-RequestId` or `<RequestId>`), for support cases.
    public let requestID: String?
    /// How many attempts were made before giving up.
    public internal(set) var attempts: Int
    private let transportRetryable: Bool

    init(
        kind: Kind, service: String, operation: String, status: Int? = nil, code: String? = nil,
        message: String, requestID: String? = nil, attempts: Int = 1, transportRetryable: Bool = false
    ) {
        self.kind = kind
        self.service = service
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.attempts = attempts
        self.transportRetryable = transportRetryable
    }

    /// `true` when the service asked the caller to slow down.
    public var isThrottling: Bool {
        if let code, AWSErrorCodes.throttling.contains(code) { return true }
        return status == 429
    }

    /// Whether sending the same request again may succeed, as the SDKs' standard retry mode decides:
    /// throttling, transient codes, HTTP 500/502/503/504 and connection failures.
    public var isRetryable: Bool {
        switch kind.code {
        case .transport:
            return transportRetryable
        case .service:
            if isThrottling { return true }
            if let code, AWSErrorCodes.transient.contains(code) { return true }
            if let status { return AWSErrorCodes.transientStatuses.contains(status) }
            return false
        case .credentials, .configuration, .invalidRequest, .invalidResponse, .notImplemented:
            return false
        }
    }

    /// The caller lacks an IAM permission (`AccessDenied`, `AccessDeniedException`, ...).
    public var isAccessDenied: Bool {
        code.map(AWSErrorCodes.accessDenied.contains) ?? false
    }

    /// The request was not authenticated: wrong secret, unknown key, expired or invalid token.
    public var isAuthenticationFailure: Bool {
        code.map(AWSErrorCodes.authentication.contains) ?? false
    }

    /// The credentials have expired; fresh ones from the provider may succeed.
    public var isExpiredCredentials: Bool {
        code.map(AWSErrorCodes.expiredCredentials.contains) ?? false
    }

    /// The named resource does not exist (`ResourceNotFoundException`, `ResourceNotFound`, `NoSuchEntity`, ...).
    public var isNotFound: Bool {
        code.map(AWSErrorCodes.notFound.contains) ?? false
    }

    public var description: String {
        var text = "\(service) \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let code { text += status == nil ? ": \(code)" : " \(code)" }
        if kind != .service { text += " (\(kind))" }
        text += ": \(message)"
        if let requestID { text += " [request id \(requestID)]" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }
}

/// The error codes the SDKs classify; kept in one place so retry and callers agree.
enum AWSErrorCodes {
    /// The standard retry mode's throttling codes.
    static let throttling: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]
    /// Codes for transient failures that are not throttling.
    static let transient: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
        "ServiceUnavailable", "ServiceUnavailableException",
    ]
    static let transientStatuses: Set<Int> = [500, 502, 503, 504]
    static let accessDenied: Set<String> = [
        "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    ]
    static let authentication: Set<String> = [
        "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "InvalidSignatureException",
        "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "ExpiredTokenException",
        "RequestExpired", "InvalidToken",
    ]
    static let expiredCredentials: Set<String> = ["ExpiredToken", "ExpiredTokenException"]
    static let notFound: Set<String> = [
        "ResourceNotFoundException", "ResourceNotFound", "NotFound", "NoSuchEntity", "NotFoundException",
    ]
}
