import Foundation

/// An outbound HTTP request: everything a transfer needs, including its time limits.
public struct HTTPClientRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute `http` or `https` URL.
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    /// Upper bound for the whole transfer, connection included.
    public var timeout: Duration
    /// Upper bound for establishing the connection; `nil` uses the client's default.
    public var connectTimeout: Duration?
    /// When set, libcurl signs the request with AWS Signature Version 4.
    public var sigV4: SigV4Signing?
    /// When set, only the first this many bytes of the response body are kept and the transfer
    /// ends there, its connection closed (``HTTPClientResponse/bodyTruncated`` says so), instead
    /// of failing at the client's size limit or waiting for a slow body: for callers that need
    /// the status, not the body.
    public var keepBodyBytes: Int?

    public init(
        method: HTTPMethod,
        url: String,
        headers: HTTPHeaders = [:],
        body: Data? = nil,
        timeout: Duration = .seconds(30),
        connectTimeout: Duration? = nil,
        sigV4: SigV4Signing? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.sigV4 = sigV4
    }
}

/// The inputs of libcurl's built-in AWS SigV4 signer (`CURLOPT_AWS_SIGV4`).
///
/// libcurl signs `host`, `x-amz-date`, the payload hash and every header the request sets,
/// so a session token sent as `X-Amz-Security-Token` is covered by the signature.
public struct SigV4Signing: Sendable, CustomStringConvertible {
    /// The signing region, e.g. `us-east-1`.
    public var region: String
    /// The signing name of the service, e.g. `logs`, `monitoring`, `secretsmanager`.
    public var service: String
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(region: String, service: String, accessKeyID: String, secretAccessKey: String) {
        self.region = region
        self.service = service
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }

    /// The value of `CURLOPT_AWS_SIGV4`.
    var curlProvider: String { "aws:amz:\(region):\(service)" }

    /// Never prints the secret key.
    public var description: String { "SigV4(\(service)@\(region), key: \(accessKeyID))" }
}
