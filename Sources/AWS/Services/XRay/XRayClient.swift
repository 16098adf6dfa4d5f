import Curl
import Foundation

/// CloudWatch's OTLP traces endpoint: `POST /v1/traces` on `xray.<region>.amazonaws.com`,
/// signed with SigV4 for service `xray` (IAM action `xray:PutSpans`). The body is an OTLP
/// `ExportTraceServiceRequest` (protobuf or JSON, optionally gzip) and so is the answer: the
/// caller reads it, whatever its status, and owns the retries.
///
/// [OTLP endpoints](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html)
public struct XRayClient: Sendable {
    /// The path of the traces endpoint below the service's base URL.
    public static let defaultTracesPath = "/v1/traces"

    public let client: AWSClient
    /// The path requests go to below the endpoint: ``defaultTracesPath`` unless a configured
    /// traces URL says otherwise.
    public let tracesPath: String

    public init(client: AWSClient, tracesPath: String = XRayClient.defaultTracesPath) {
        self.client = client
        self.tracesPath = tracesPath
    }

    /// The URL spans are sent to: `AWS_ENDPOINT_URL_XRAY` (or `AWS_ENDPOINT_URL`) when set, else
    /// `https://xray.<region>.amazonaws.com`, plus ``tracesPath``.
    ///
    /// - Throws: ``AWSError`` of kind `.configuration` when no region is known.
    public func tracesURL() throws -> String {
        try client.configuration.endpoint(for: .xray, operation: "PutSpans") + tracesPath
    }

    /// Sends one OTLP export request, signed, and returns the endpoint's answer (any status).
    ///
    /// - Parameters:
    ///   - headers: `Content-Type`, `Content-Encoding` and any configured extra headers; each is
    ///     among the signed headers.
    /// - Throws: ``AWSError`` for missing credentials or region, or when no answer arrived.
    public func putSpans(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse {
        let operation = "PutSpans"
        return try await client.sendOnce(AWSRequest(
            service: .xray, operation: operation, path: tracesPath, headers: headers, body: body, timeout: timeout))
    }
}
