import Curl
import Foundation
import Logging

/// Sends signed AWS API calls with retries: the one place every typed client goes through.
///
/// libcurl signs each request (`CURLOPT_AWS_SIGV4`) with credentials from the provider; a session
/// token is sent as `X-Amz-Security-Token`, which libcurl includes in the signed headers. Failed
/// attempts are retried by ``RetryPolicy``; an `ExpiredToken` answer makes the provider fetch new
/// credentials once. Errors are ``AWSError``.
public struct AWSClient: Sendable {
    public let httpClient: any HTTPClient
    public let configuration: AWSConfiguration
    public let credentialProvider: any AWSCredentialProvider
    public let retryPolicy: RetryPolicy
    /// The limit for one attempt of calls that set none.
    public let timeout: Duration
    public let logger: Logger

    /// - Parameter retryPolicy: `nil` uses the standard mode with `configuration.maxAttempts`.
    public init(
        httpClient: any HTTPClient,
        configuration: AWSConfiguration,
        credentialProvider: any AWSCredentialProvider,
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "aws")
    ) {
        self.httpClient = httpClient
        self.configuration = configuration
        self.credentialProvider = credentialProvider
        self.retryPolicy = retryPolicy ?? .standard(maxAttempts: configuration.maxAttempts)
        self.timeout = timeout
        self.logger = logger
    }

    /// A client configured from `environment` with the default, cached credentials chain.
    public init(environment: [String: String], httpClient: any HTTPClient, logger: Logger = Logger(label: "aws")) {
        self.init(
            httpClient: httpClient,
            configuration: AWSConfiguration(environment: environment),
            credentialProvider: CredentialProviderChain.default(environment: environment, httpClient: httpClient),
            logger: logger
        )
    }

    /// A copy with other credentials (e.g. a test's restricted user), everything else the same.
    public func with(credentialProvider: any AWSCredentialProvider) -> AWSClient {
        AWSClient(
            httpClient: httpClient, configuration: configuration, credentialProvider: credentialProvider,
            retryPolicy: retryPolicy, timeout: timeout, logger: logger
        )
    }

    /// A copy with another retry policy.
    public func with(retryPolicy: RetryPolicy) -> AWSClient {
        AWSClient(
            httpClient: httpClient, configuration: configuration, credentialProvider: credentialProvider,
            retryPolicy: retryPolicy, timeout: timeout, logger: logger
        )
    }

    /// Signs and sends `request`, retrying per ``retryPolicy``; returns the first 2xx response.
    ///
    /// - Throws: ``AWSError`` (`CancellationError` when the task is cancelled).
    public func send(_ request: AWSRequest) async throws -> HTTPClientResponse {
        let url = try configuration.endpoint(for: request.service, operation: request.operation, hostPrefix: request.hostPrefix)
            + request.path
        let region = try configuration.signingRegion(for: request.service, operation: request.operation)
        var attempt = 1
        var refreshedCredentials = false
        while true {
            let credentials = try await credentials(for: request)
            var error: AWSError
            var retryAfter: Duration?
            do {
                let response = try await httpClient.execute(
                    signed(request, url: url, region: region, credentials: credentials)
                )
                if response.isSuccess { return response }
                error = AWSErrorDocument.error(from: response, service: request.service, operation: request.operation)
                retryAfter = response.retryAfter()
            } catch let transport as HTTPClientError {
                error = AWSError(
                    kind: .transport, service: request.service.id, operation: request.operation,
                    message: transport.description, transportRetryable: transport.isRetryable
                )
            }
            error.attempts = attempt

            if error.isExpiredCredentials, !refreshedCredentials, attempt < retryPolicy.maxAttempts {
                refreshedCredentials = true
                await credentialProvider.invalidate()
                logger.warning("AWS credentials expired, fetching new ones", metadata: metadata(error))
                attempt += 1
                continue
            }
            guard retryPolicy.shouldRetry(error, attempt: attempt) else { throw error }
            let delay = retryPolicy.delay(beforeRetry: attempt, retryAfter: retryAfter)
            var details = metadata(error)
            details["aws.retry_in_ms"] = "\(Int(delay.seconds * 1000))"
            logger.warning("AWS call failed, retrying", metadata: details)
            try await retryPolicy.sleep(delay)
            attempt += 1
        }
    }

    private func credentials(for request: AWSRequest) async throws -> AWSCredentials {
        do {
            return try await credentialProvider.credentials()
        } catch let error as AWSCredentialsError {
            throw AWSError(kind: .credentials, service: request.service.id, operation: request.operation, message: error.description)
        }
    }

    func signed(_ request: AWSRequest, url: String, region: String, credentials: AWSCredentials) -> HTTPClientRequest {
        var headers = request.headers
        if let token = credentials.sessionToken {
            // Set as a request header so libcurl lists it among the signed headers.
            headers.replaceOrAdd(name: "X-Amz-Security-Token", value: token)
        }
        return HTTPClientRequest(
            method: request.method,
            url: url,
            headers: headers,
            body: request.method == .get ? nil : request.body,
            timeout: request.timeout ?? timeout,
            sigV4: SigV4Signing(
                region: region, service: request.service.signingName,
                accessKeyID: credentials.accessKeyID, secretAccessKey: credentials.secretAccessKey
            )
        )
    }

    private func metadata(_ error: AWSError) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "aws.service": "\(error.service)",
            "aws.operation": "\(error.operation)",
            "aws.attempt": "\(error.attempts)",
        ]
        if let status = error.status { metadata["aws.status"] = "\(status)" }
        if let code = error.code { metadata["aws.error_code"] = "\(code)" }
        if let requestID = error.requestID { metadata["aws.request_id"] = "\(requestID)" }
        return metadata
    }
}
