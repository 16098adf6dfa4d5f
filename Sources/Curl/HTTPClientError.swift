/// A transfer that produced no HTTP response.
///
/// Carries the URL's host (never the query, headers or body) and libcurl's own message.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in categories a retry policy can act on.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Code: String, Hashable, Sendable {
            case invalidRequest, connectFailed, timedOut, connectionLost, responseTooLarge, shutdown, transport
        }

        fileprivate let code: Code

        public static let invalidRequest = Kind(code: .invalidRequest)
        public static let connectFailed = Kind(code: .connectFailed)
        public static let timedOut = Kind(code: .timedOut)
        public static let connectionLost = Kind(code: .connectionLost)
        public static let responseTooLarge = Kind(code: .responseTooLarge)
        public static let shutdown = Kind(code: .shutdown)
        public static let transport = Kind(code: .transport)

        public var description: String { code.rawValue }
    }

    public let kind: Kind
    /// The host the request was for.
    public let host: String
    /// libcurl's result code, when libcurl reported the failure.
    public let curlCode: Int?
    public let message: String

    public init(kind: Kind, host: String, curlCode: Int? = nil, message: String) {
        self.kind = kind
        self.host = host
        self.curlCode = curlCode
        self.message = message
    }

    /// Whether sending the same request again may succeed.
    public var isRetryable: Bool {
        switch kind.code {
        case .connectFailed, .timedOut, .connectionLost, .transport: true
        case .invalidRequest, .responseTooLarge, .shutdown: false
        }
    }

    public var description: String {
        var text = "HTTP \(kind) for \(host): \(message)"
        if let curlCode { text += " (curl \(curlCode))" }
        return text
    }
}
