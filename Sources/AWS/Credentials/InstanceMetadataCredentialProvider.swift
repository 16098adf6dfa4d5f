import Curl
import Foundation

/// Credentials of the instance's IAM role from the EC2 instance metadata service, IMDSv2 only:
/// `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds`, then GETs with
/// `X-aws-ec2-metadata-token` for the role name and the role's credentials.
///
/// Environment, as the SDKs read it: `AWS_EC2_METADATA_DISABLED=true` turns the provider off;
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` replaces `http://169.254.169.254` (tests point it at a
/// loopback double); `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` uses `http://[fd00:ec2::254]`.
/// The session token is reused until shortly before its TTL ends.
public actor InstanceMetadataCredentialProvider: AWSCredentialProvider {
    public static let defaultEndpoint = "http://169.254.169.254"
    public static let defaultIPv6Endpoint = "http://[fd00:ec2::254]"
    static let name = "instance metadata"
    private static let credentialsPath = "/latest/meta-data/iam/security-credentials/"

    private let environment: [String: String]
    private let httpClient: any HTTPClient
    private let timeout: Duration
    private let tokenTTL: Duration
    private let now: @Sendable () -> Date
    private var token: (value: String, expires: Date)?

    /// - Parameters:
    ///   - timeout: per request; off EC2 the address does not answer, so this bounds the wait.
    ///   - tokenTTL: the lifetime asked for the session token (the service allows up to 6 hours).
    public init(
        environment: [String: String],
        httpClient: any HTTPClient,
        timeout: Duration = .seconds(1),
        tokenTTL: Duration = .seconds(21_600),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
        self.tokenTTL = tokenTTL
        self.now = now
    }

    /// The base URL of the metadata service, from the environment.
    public nonisolated var endpoint: String {
        if let override = environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            return override.hasSuffix("/") ? String(override.dropLast()) : override
        }
        if environment.nonEmpty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6" {
            return Self.defaultIPv6Endpoint
        }
        return Self.defaultEndpoint
    }

    public func credentials() async throws -> AWSCredentials {
        if environment.nonEmpty("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            throw AWSCredentialsError.unavailable(Self.name, "disabled by AWS_EC2_METADATA_DISABLED")
        }
        do {
            return try await fetchCredentials()
        } catch is MetadataTokenRejected {
            // The token expired or the service restarted: one fresh token, then give up.
            token = nil
        }
        do {
            return try await fetchCredentials()
        } catch is MetadataTokenRejected {
            throw AWSCredentialsError.failed(Self.name, "the metadata service rejected a fresh session token (HTTP 401)")
        }
    }

    private func fetchCredentials() async throws -> AWSCredentials {
        let token = try await sessionToken()
        let roles = try await get(Self.credentialsPath, token: token)
        guard let role = String(decoding: roles, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !role.isEmpty
        else {
            throw AWSCredentialsError.unavailable(Self.name, "no IAM role is attached to this instance")
        }
        let document = try await get(Self.credentialsPath + role, token: token)
        return try TemporaryCredentialsDocument.credentials(from: document, provider: Self.name)
    }

    private func sessionToken() async throws -> String {
        if let token, token.expires > now() { return token.value }
        let ttlSeconds = Int(tokenTTL.seconds)
        let request = HTTPClientRequest(
            method: .put, url: endpoint + "/latest/api/token",
            headers: ["X-aws-ec2-metadata-token-ttl-seconds": String(ttlSeconds)],
            timeout: timeout, connectTimeout: timeout
        )
        let response = try await send(request)
        guard response.isSuccess, !response.body.isEmpty else {
            throw AWSCredentialsError.failed(Self.name, "the token request (PUT /latest/api/token) answered HTTP \(response.status)")
        }
        let value = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // Renew a minute early so a token never expires between the check and the GET.
        token = (value, now().addingTimeInterval(max(0, Double(ttlSeconds) - 60)))
        return value
    }

    private func get(_ path: String, token: String) async throws -> Data {
        let request = HTTPClientRequest(
            method: .get, url: endpoint + path, headers: ["X-aws-ec2-metadata-token": token],
            timeout: timeout, connectTimeout: timeout
        )
        let response = try await send(request)
        switch response.status {
        case 200..<300:
            return response.body
        case 401:
            throw MetadataTokenRejected()
        case 404:
            throw AWSCredentialsError.unavailable(Self.name, "no IAM role credentials at \(path)")
        default:
            throw AWSCredentialsError.failed(Self.name, "GET \(path) answered HTTP \(response.status)", retryable: response.status >= 500)
        }
    }

    private func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await httpClient.execute(request)
        } catch let error as HTTPClientError {
            throw AWSCredentialsError.unavailable(Self.name, "no metadata service at \(endpoint): \(error.kind)")
        }
    }
}

/// IMDS answered 401 to a GET: the session token is no longer valid.
private struct MetadataTokenRejected: Error {}
