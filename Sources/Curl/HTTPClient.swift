/// Sends HTTP requests. ``CurlHTTPClient`` is the implementation; the protocol lets callers
/// take any client, and tests point real clients at loopback servers.
public protocol HTTPClient: Sendable {
    /// Performs the request and returns the response, whatever its status.
    ///
    /// - Throws: ``HTTPClientError`` when no response arrived (connection, timeout, size limit),
    ///   `CancellationError` when the calling task was cancelled.
    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}
