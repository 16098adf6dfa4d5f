import AWS
import Curl
import Foundation

/// CloudWatch's OTLP traces endpoint through the AWS module: the region's (or
/// `AWS_ENDPOINT_URL_XRAY`'s) `/v1/traces`, signed by libcurl with SigV4 for service `xray`
/// from the worker's credentials chain (`RAG_XRAY=on`). IAM action: `xray:PutSpans`.
public struct XRayOTLPTraceSink: OTLPTraceSink {
    public let xray: XRayClient

    /// - Parameter tracesPath: the path below the client's `xray` endpoint (a configured traces URL's).
    public init(client: AWSClient, tracesPath: String = XRayClient.defaultTracesPath) {
        xray = XRayClient(client: client.with(retryPolicy: .noRetries), tracesPath: tracesPath)
    }

    public var destination: String {
        (try? xray.tracesURL()).map(HTTPOTLPTraceSink.hostAndPort(of:)) ?? "xray (no region)"
    }

    public func export(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse {
        do {
            return try await xray.putSpans(body: body, headers: headers, timeout: timeout)
        } catch let error as AWSError {
            throw TelemetryExportError(error)
        }
    }
}
