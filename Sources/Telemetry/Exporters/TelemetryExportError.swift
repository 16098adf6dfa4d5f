/// A failed call to a telemetry destination (CloudWatch Logs, CloudWatch metrics, OTLP), classified
/// so exporters know whether to retry, re-create a resource, or drop the batch.
///
/// Adapters over the AWS clients build these from `AWSError`; it carries what an operator needs
/// (service, operation, HTTP status, AWS error code, request id), never a key or a request body.
public struct TelemetryExportError: Error, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: String, Sendable {
            case throttled, unavailable, resourceNotFound, resourceAlreadyExists, rejected, denied
        }

        fileprivate let code: Code

        /// Throttling (`ThrottlingException`, `Throttling`, 429): retry with backoff.
        public static let throttled = Kind(code: .throttled)
        /// Connection failure, timeout or 5xx: retry with backoff.
        public static let unavailable = Kind(code: .unavailable)
        /// The log group or stream is missing: create it and retry.
        public static let resourceNotFound = Kind(code: .resourceNotFound)
        /// Creating a group or stream that exists: success for the exporter.
        public static let resourceAlreadyExists = Kind(code: .resourceAlreadyExists)
        /// The request was invalid (limits, parameters): retrying cannot help, the batch is dropped.
        public static let rejected = Kind(code: .rejected)
        /// Credentials or IAM refused the call: not retried; the batch is dropped.
        public static let denied = Kind(code: .denied)

        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// `logs`, `monitoring`, `otlp` or `xray`.
    public let service: String
    /// e.g. `PutLogEvents`.
    public let operation: String
    public let status: Int?
    /// The AWS error code, e.g. `ThrottlingException`.
    public let awsCode: String?
    public let requestID: String?
    public let message: String
    /// How long the destination asked the caller to wait (`Retry-After`), when it said.
    public let retryAfter: Duration?

    public init(kind: Kind, service: String, operation: String, status: Int? = nil, awsCode: String? = nil,
                requestID: String? = nil, message: String, retryAfter: Duration? = nil) {
        self.retryAfter = retryAfter
        self.kind = kind
        self.service = service
        self.operation = operation
        self.status = status
        self.awsCode = awsCode
        self.requestID = requestID
        self.message = message
    }

    /// Throttling and unavailability are worth another attempt.
    public var isRetryable: Bool { kind == .throttled || kind == .unavailable }

    public var description: String {
        var parts = ["\(service).\(operation) failed (\(kind))"]
        if let status { parts.append("status \(status)") }
        if let awsCode { parts.append(awsCode) }
        if let requestID { parts.append("request id \(requestID)") }
        if let retryAfter { parts.append("retry after \(retryAfter)") }
        return parts.joined(separator: ", ") + ": \(message)"
    }
}
