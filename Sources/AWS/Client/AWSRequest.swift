import Curl
import Foundation

/// One AWS API call before signing: the typed clients build these, ``AWSClient`` sends them.
///
/// Always a POST (or a GET) with an empty query string: libcurl 7.88's SigV4 signer builds a
/// wrong canonical query string, so parameters travel in the body.
public struct AWSRequest: Sendable {
    public var service: AWSService
    /// The API operation, for errors and logs (e.g. `PutLogEvents`).
    public var operation: String
    public var method: HTTPMethod
    /// The path below the endpoint, starting with `/`, without a query string.
    public var path: String
    public var headers: HTTPHeaders
    public var body: Data
    /// The limit for one attempt; `nil` uses the client's.
    public var timeout: Duration?
    /// Prepended to the AWS endpoint's host (S3 buckets, virtual-hosted style); ignored when
    /// the endpoint is overridden (``AWSConfiguration/endpoint(for:operation:hostPrefix:)``).
    public var hostPrefix: String?

    public init(
        service: AWSService, operation: String, method: HTTPMethod = .post, path: String = "/",
        headers: HTTPHeaders = [:], body: Data = Data(), timeout: Duration? = nil, hostPrefix: String? = nil
    ) {
        self.hostPrefix = hostPrefix
        self.service = service
        self.operation = operation
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
