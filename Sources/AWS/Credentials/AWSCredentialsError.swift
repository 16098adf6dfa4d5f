/// Credentials could not be obtained from a provider.
///
/// Names the provider and the cause (an unset variable, an unreachable endpoint, a malformed
/// answer); never includes a key, token or authorization header value.
public struct AWSCredentialsError: Error, Sendable, CustomStringConvertible {
    /// Whether the chain may try the next provider.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: String, Hashable, Sendable {
            case unavailable, failed, invalidConfiguration
        }

        fileprivate let code: Code

        /// This source is not set up here (variables unset, no file, no metadata service):
        /// the chain moves on to the next provider.
        public static let unavailable = Kind(code: .unavailable)
        /// This source is set up but did not deliver usable credentials: the chain stops here,
        /// so a broken container endpoint never silently falls back to another identity.
        public static let failed = Kind(code: .failed)
        /// This source's settings are wrong (e.g. an http full URI to a public host).
        public static let invalidConfiguration = Kind(code: .invalidConfiguration)

        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// The provider, e.g. `environment`, `container`, `instance metadata`, `profile default`.
    public let provider: String
    public let message: String
    /// Whether asking again later may succeed (an endpoint that timed out).
    public let isRetryable: Bool

    public init(kind: Kind, provider: String, message: String, isRetryable: Bool = false) {
        self.kind = kind
        self.provider = provider
        self.message = message
        self.isRetryable = isRetryable
    }

    static func unavailable(_ provider: String, _ message: String) -> AWSCredentialsError {
        AWSCredentialsError(kind: .unavailable, provider: provider, message: message)
    }

    static func failed(_ provider: String, _ message: String, retryable: Bool = false) -> AWSCredentialsError {
        AWSCredentialsError(kind: .failed, provider: provider, message: message, isRetryable: retryable)
    }

    static func invalidConfiguration(_ provider: String, _ message: String) -> AWSCredentialsError {
        AWSCredentialsError(kind: .invalidConfiguration, provider: provider, message: message)
    }

    public var description: String { "AWS credentials from \(provider): \(message)" }
}
