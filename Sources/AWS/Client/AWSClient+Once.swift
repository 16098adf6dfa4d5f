import Curl

extension AWSClient {
    /// Signs and sends `request` once and returns the response whatever its status, for callers
    /// whose protocol is not an AWS error document (the OTLP endpoint answers OTLP bodies) and who
    /// own their retries. Expired credentials are the one exception: on an `ExpiredToken`-style
    /// answer the provider fetches new credentials and the request is sent once more.
    ///
    /// - Throws: ``AWSError`` of kind `.credentials` or `.configuration` before anything is sent,
    ///   `.transport` when no response arrived; `CancellationError` when the task is cancelled.
    public func sendOnce(_ request: AWSRequest) async throws -> HTTPClientResponse {
        let url = try configuration.endpoint(for: request.service, operation: request.operation) + request.path
        let region = try configuration.signingRegion(for: request.service, operation: request.operation)
        var refreshed = false
        while true {
            let credentials: AWSCredentials
            do {
                credentials = try await credentialProvider.credentials()
            } catch let error as AWSCredentialsError {
                throw AWSError(kind: .credentials, service: request.service.id, operation: request.operation, message: error.description)
            }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(signed(request, url: url, region: region, credentials: credentials))
            } catch let transport as HTTPClientError {
                throw AWSError(kind: .transport, service: request.service.id, operation: request.operation,
                               message: transport.description, transportRetryable: transport.isRetryable)
            }
            if !refreshed, (400..<500).contains(response.status),
               AWSErrorDocument.error(from: response, service: request.service, operation: request.operation).isExpiredCredentials {
                refreshed = true
                await credentialProvider.invalidate()
                continue
            }
            return response
        }
    }
}
