import AWS

extension TelemetryExportError {
    /// Classifies an `AWSError` for the exporters: throttling and transient failures are retried,
    /// a missing group or stream is created, an existing one is fine, refusals drop the batch.
    init(_ error: AWSError) {
        let kind: Kind
        if error.code == "ResourceAlreadyExistsException" {
            kind = .resourceAlreadyExists
        } else if error.isNotFound {
            kind = .resourceNotFound
        } else if error.isThrottling {
            kind = .throttled
        } else if error.isRetryable {
            kind = .unavailable
        } else if error.isAccessDenied || error.isAuthenticationFailure || error.kind == .credentials {
            kind = .denied
        } else {
            kind = .rejected
        }
        self.init(kind: kind, service: error.service, operation: error.operation, status: error.status, awsCode: error.code,
                  requestID: error.requestID, message: error.message)
    }

    /// Runs `body`, turning an `AWSError` into a classified export error.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            throw TelemetryExportError(error)
        }
    }
}
