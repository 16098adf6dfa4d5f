import CCurl
import Foundation

/// An ``HTTPClient`` on libcurl's multi interface.
///
/// One dedicated thread per client runs every transfer, so libcurl's blocking work never runs on
/// Swift's cooperative pool or on NIO event loops. Connections are pooled per client and reused;
/// every request has a connect timeout and a total timeout; cancelling the calling task aborts
/// the transfer.
///
/// Create one client per process (or per test) and share it; ``shutdown()`` fails transfers
/// still in flight and stops the thread (also done when the last reference goes away).
public final class CurlHTTPClient: HTTPClient {
    /// Limits that apply to every request of this client.
    public struct Configuration: Sendable {
        /// Default connect timeout for requests that set none.
        public var connectTimeout: Duration
        /// Largest response body accepted; a larger one fails with `.responseTooLarge`.
        public var maximumResponseBytes: Int
        /// Size of the connection pool (`CURLMOPT_MAXCONNECTS`).
        public var maximumConnections: Int

        public init(
            connectTimeout: Duration = .seconds(5),
            maximumResponseBytes: Int = 32 << 20,
            maximumConnections: Int = 32
        ) {
            self.connectTimeout = connectTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.maximumConnections = maximumConnections
        }
    }

    public let configuration: Configuration
    let engine: CurlMultiEngine

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.engine = CurlMultiEngine(maximumConnections: configuration.maximumConnections)
    }

    deinit {
        engine.shutdown()
    }

    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(request: request, configuration: configuration)
        let engine = self.engine
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.attach(continuation)
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }

    /// Fails transfers in flight and stops the client's thread. Later requests fail with `.shutdown`.
    public func shutdown() {
        engine.shutdown()
    }

    /// The libcurl version this process linked, e.g. `7.88.1`.
    public static var libcurlVersion: String {
        guard let info = curl_version_info(CURLVERSION_FIRST) else { return "unknown" }
        return String(cString: info.pointee.version)
    }
}
