import Curl
import Foundation

/// Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity, and
/// any host that sets these variables).
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`: a path on `http://169.254.170.2`.
/// - `AWS_CONTAINER_CREDENTIALS_FULL_URI`: an `https` URL, or an `http` URL whose host is a
///   loopback address or one of the documented container hosts (`169.254.170.2`,
///   `169.254.170.23`, `fd00:ec2::23`). Any other `http` host is refused.
/// - `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read on every fetch, so a rotated token is picked
///   up) or else `AWS_CONTAINER_AUTHORIZATION_TOKEN`: sent as the `Authorization` header.
///
/// The endpoint answers `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
public struct ContainerCredentialProvider: AWSCredentialProvider {
    /// The base of relative URIs (the ECS agent's link-local address).
    public static let relativeBase = "http://169.254.170.2"
    static let name = "container"

    private let environment: [String: String]
    private let httpClient: any HTTPClient
    private let timeout: Duration
    private let attempts: Int
    private let relativeURIBase: String

    /// - Parameters:
    ///   - timeout: per attempt; the endpoint is local, so answers come fast or not at all.
    ///   - attempts: transport failures and 5xx answers are tried again up to this many times.
    ///   - relativeURIBase: where relative URIs point; only tests change it.
    public init(
        environment: [String: String], httpClient: any HTTPClient, timeout: Duration = .seconds(2), attempts: Int = 3,
        relativeURIBase: String = ContainerCredentialProvider.relativeBase
    ) {
        self.environment = environment
        self.httpClient = httpClient
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.relativeURIBase = relativeURIBase
    }

    public func credentials() async throws -> AWSCredentials {
        let url = try endpointURL()
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token = try authorizationToken() {
            headers.add(name: "Authorization", value: token)
        }
        let request = HTTPClientRequest(method: .get, url: url, headers: headers, timeout: timeout, connectTimeout: timeout)
        let backoff = Backoff(base: .milliseconds(100), maximum: .seconds(1), jitter: .full)
        var attempt = 1
        while true {
            do {
                let response = try await httpClient.execute(request)
                if response.isSuccess {
                    return try TemporaryCredentialsDocument.credentials(from: response.body, provider: Self.name)
                }
                guard response.status >= 500, attempt < attempts else {
                    throw AWSCredentialsError.failed(
                        Self.name, "the endpoint answered HTTP \(response.status)", retryable: response.status >= 500
                    )
                }
            } catch let error as HTTPClientError {
                guard error.isRetryable, attempt < attempts else {
                    throw AWSCredentialsError.failed(Self.name, "the endpoint is unreachable: \(error)", retryable: error.isRetryable)
                }
            }
            try await Task.sleep(for: backoff.delay(beforeRetry: attempt))
            attempt += 1
        }
    }

    /// The URL to ask, from the relative or the full URI variable.
    func endpointURL() throws -> String {
        if let relative = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return relativeURIBase + path
        }
        guard let full = environment.nonEmpty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw AWSCredentialsError.unavailable(
                Self.name, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
            )
        }
        guard let url = URL(string: full), let scheme = url.scheme?.lowercased(), let host = url.host else {
            throw AWSCredentialsError.invalidConfiguration(Self.name, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL")
        }
        switch scheme {
        case "https":
            return full
        case "http" where Self.isAllowedPlainHTTPHost(host):
            return full
        case "http":
            throw AWSCredentialsError.invalidConfiguration(
                Self.name, "AWS_CONTAINER_CREDENTIALS_FULL_URI uses http with host \(host): only loopback and the container hosts 169.254.170.2, 169.254.170.23 and fd00:ec2::23 may use plain http"
            )
        default:
            throw AWSCredentialsError.invalidConfiguration(Self.name, "AWS_CONTAINER_CREDENTIALS_FULL_URI must use https or http")
        }
    }

    /// The `Authorization` value: the token file wins over the token variable.
    func authorizationToken() throws -> String? {
        var token: String?
        if let path = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AWSCredentialsError.failed(Self.name, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at \(path)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = environment.nonEmpty("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let token, token.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw AWSCredentialsError.invalidConfiguration(Self.name, "the container authorization token contains a line break")
        }
        return token
    }

    static func isAllowedPlainHTTPHost(_ rawHost: String) -> Bool {
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" {
            return true
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return false }
        return octets[0] == "127"
    }
}
