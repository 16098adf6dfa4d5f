import Curl
import Foundation

/// Where the OTLP exporter posts its requests: a plain HTTP endpoint (``HTTPOTLPTraceSink``) or
/// CloudWatch's, signed (`XRayOTLPTraceSink`). A sink sends once and returns the answer whatever
/// its status; the exporter reads it and owns the retries.
public protocol OTLPTraceSink: Sendable {
    /// Host (and port) of the destination, for log lines; never a path, query or credential.
    var destination: String { get }

    /// Posts one export request.
    ///
    /// - Parameters:
    ///   - body: the (possibly compressed) request body.
    ///   - headers: `Content-Type`, `Content-Encoding` and the configured headers.
    /// - Throws: ``TelemetryExportError`` when no answer arrived (connection, timeout,
    ///   credentials); `CancellationError` when cancelled.
    func export(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse
}

/// Posts to a collector or vendor's traces URL (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
public struct HTTPOTLPTraceSink: OTLPTraceSink {
    public let url: String
    public let client: any HTTPClient

    public init(url: String, client: any HTTPClient) {
        self.url = url
        self.client = client
    }

    public var destination: String { Self.hostAndPort(of: url) }

    public func export(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse {
        let request = HTTPClientRequest(method: .post, url: url, headers: headers, body: body, timeout: timeout,
                                        connectTimeout: min(timeout, .seconds(5)))
        do {
            return try await client.execute(request)
        } catch let error as HTTPClientError {
            throw TelemetryExportError(kind: error.isRetryable ? .unavailable : .rejected, service: "otlp", operation: "Export",
                                       message: error.description)
        }
    }

    /// `host[:port]` of an absolute URL.
    static func hostAndPort(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "(invalid URL)" }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}
