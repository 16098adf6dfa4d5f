/// A configuration secret could not be used. Names the secret and the cause; never contains
/// the secret's value (JSON keys, which are variable names, may be named).
public struct SecretConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The cause, in categories an operator can act on.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: String, Hashable, Sendable {
            case notFound, accessDenied, notJSON, notAnObjectOfStrings, noStringValue, unavailable
        }

        fileprivate let code: Code

        /// No secret with this id (`ResourceNotFoundException`).
        public static let notFound = Kind(code: .notFound)
        /// The caller may not read it (`AccessDeniedException`, or the KMS key refused decryption).
        public static let accessDenied = Kind(code: .accessDenied)
        /// The value is not JSON, or not a JSON object.
        public static let notJSON = Kind(code: .notJSON)
        /// The JSON object has values that are not strings.
        public static let notAnObjectOfStrings = Kind(code: .notAnObjectOfStrings)
        /// The secret holds binary data only.
        public static let noStringValue = Kind(code: .noStringValue)
        /// Secrets Manager could not be reached or failed; see the message.
        public static let unavailable = Kind(code: .unavailable)

        public var description: String { code.rawValue }
    }

    public let kind: Kind
    public let secretID: String
    public let message: String
    /// The AWS failure behind `.notFound`, `.accessDenied` and `.unavailable`.
    public let awsError: AWSError?

    init(_ kind: Kind, secretID: String, message: String, awsError: AWSError? = nil) {
        self.kind = kind
        self.secretID = secretID
        self.message = message
        self.awsError = awsError
    }

    /// Classifies a failed GetSecretValue.
    init(secretID: String, awsError error: AWSError) {
        if error.isNotFound {
            self.init(.notFound, secretID: secretID, message: "no such secret (\(error.code ?? "not found"))", awsError: error)
        } else if error.isAccessDenied || error.code == "DecryptionFailure" {
            self.init(.accessDenied, secretID: secretID, message: "access denied: \(error)", awsError: error)
        } else {
            self.init(.unavailable, secretID: secretID, message: "cannot be read: \(error)", awsError: error)
        }
    }

    /// `true` for causes that may go away by themselves (throttling, outages).
    public var isRetryable: Bool { awsError?.isRetryable ?? false }

    public var description: String { "secret \(secretID): \(message)" }
}
