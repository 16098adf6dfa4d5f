import Curl
import Foundation

/// The decoded output of a JSON-protocol call that returns nothing of interest.
public struct AWSEmptyResponse: Decodable, Sendable {
    public init() {}
}

extension AWSClient {
    /// Calls a JSON-protocol operation (CloudWatch Logs, Secrets Manager, ECR): a POST to `/` with
    /// `X-Amz-Target: <prefix>.<target>` and `Content-Type: application/x-amz-json-<version>`.
    ///
    /// - Parameters:
    ///   - target: the operation name, e.g. `PutLogEvents`; the service's target prefix is added.
    ///   - body: the input structure, encoded with `JSONEncoder`.
    /// - Returns: the output decoded as `Output` (an empty body decodes as `{}`).
    /// - Throws: ``AWSError``; `.invalidResponse` when a 2xx body does not decode.
    public func json<Output: Decodable>(
        service: AWSService, target: String, body: some Encodable, timeout: Duration? = nil,
        as _: Output.Type = Output.self
    ) async throws -> Output {
        let data = try await jsonData(service: service, target: target, body: body, timeout: timeout)
        do {
            return try JSONDecoder().decode(Output.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw AWSError(
                kind: .invalidResponse, service: service.id, operation: target,
                message: "the response body is not the expected JSON (\(Output.self))"
            )
        }
    }

    /// Like ``json(service:target:body:timeout:as:)`` but returns the raw response body.
    public func jsonData(service: AWSService, target: String, body: some Encodable, timeout: Duration? = nil) async throws -> Data {
        guard let prefix = service.targetPrefix, let version = service.jsonVersion else {
            throw AWSError(kind: .invalidRequest, service: service.id, operation: target, message: "\(service.id) does not use the JSON protocol")
        }
        let encoded: Data
        do {
            encoded = try JSONEncoder().encode(body)
        } catch {
            throw AWSError(kind: .invalidRequest, service: service.id, operation: target, message: "the request does not encode as JSON: \(error)")
        }
        let request = AWSRequest(
            service: service, operation: target,
            headers: ["Content-Type": "application/x-amz-json-\(version)", "X-Amz-Target": "\(prefix).\(target)"],
            body: encoded, timeout: timeout
        )
        return try await send(request).body
    }
}
