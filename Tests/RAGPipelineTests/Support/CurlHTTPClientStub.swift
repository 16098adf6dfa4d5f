import Curl

/// An HTTP client for tests that must not touch the network: every request fails.
struct CurlHTTPClientStub: HTTPClient {
    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        throw HTTPClientError(kind: .invalidRequest, host: "stub", message: "no network in this test")
    }
}
