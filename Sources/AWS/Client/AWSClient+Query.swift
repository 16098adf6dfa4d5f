import Curl
import Foundation

extension AWSClient {
    /// Calls a query-protocol operation (CloudWatch, SNS, IAM, STS): a form-encoded POST to `/`
    /// with `Action` and `Version`, answered in XML.
    ///
    /// - Parameters:
    ///   - version: the API version; `nil` uses ``AWSService/apiVersion``.
    /// - Returns: the `<ActionResult>` element of the response (e.g. `<DescribeAlarmsResult>`),
    ///   or the root element when the response has none.
    /// - Throws: ``AWSError``; `.invalidResponse` when a 2xx body is not XML.
    public func query(
        service: AWSService, action: String, version: String? = nil, parameters: QueryParameters = QueryParameters(),
        timeout: Duration? = nil
    ) async throws -> AWSXMLElement {
        guard let version = version ?? service.apiVersion else {
            throw AWSError(kind: .invalidRequest, service: service.id, operation: action, message: "\(service.id) has no query API version")
        }
        let request = AWSRequest(
            service: service, operation: action,
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data(parameters.formBody(action: action, version: version).utf8), timeout: timeout
        )
        let response = try await send(request)
        let root: AWSXMLElement
        do {
            root = try XMLReader.parse(response.body)
        } catch {
            throw AWSError(
                kind: .invalidResponse, service: service.id, operation: action, status: response.status,
                message: "the response body is not XML: \(error)"
            )
        }
        return root.child(action + "Result") ?? root
    }
}
