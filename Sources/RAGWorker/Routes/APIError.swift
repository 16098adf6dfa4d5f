import Foundation
import Hummingbird
import NIOCore
import RAGPipeline

/// An error answer of the API: `{"error": {"code", "message", "fields": [{"path", "problem"}]}}`.
///
/// Every 4xx the API gives is one of these, so callers always get the field and the problem.
struct APIError: HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var fields: [FieldProblem] = []
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        // Through InvokeEndpoint a 429/503 reaches the caller as a ModelError whose OriginalMessage
        // is this body, without the Retry-After header: the body repeats it.
        let retryAfter = self.headers[.retryAfter].flatMap { Int($0) }
        let body = Body(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields, retryAfterSeconds: retryAfter))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"unencodable error"}}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let fields: [FieldProblem]?
            let retryAfterSeconds: Int?

            enum CodingKeys: String, CodingKey {
                case code, message, fields
                case retryAfterSeconds = "retry_after_seconds"
            }
        }

        let error: Detail
    }
}

extension APIError {
    static func malformedJSON(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_json", message: message, fields: [FieldProblem(path: "$", problem: message)])
    }

    static func invalidFields(_ fields: [FieldProblem]) -> APIError {
        let count = fields.count
        return APIError(
            status: .unprocessableContent, code: "invalid_request",
            message: "\(count) field\(count == 1 ? "" : "s") failed validation", fields: fields
        )
    }

    static func unauthorized() -> APIError {
        APIError(
            status: .unauthorized, code: "unauthorized", message: "valid HTTP Basic credentials are required",
            headers: [.wwwAuthenticate: #"Basic realm="rag-worker", charset="UTF-8""#]
        )
    }

    static func tooManyFailedLogins(retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: "too_many_failed_logins",
            message: "too many failed logins from this address; retry later",
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    static func tooLarge(limit: Int) -> APIError {
        APIError(
            status: .contentTooLarge, code: "body_too_large", message: "the request body is larger than \(limit) bytes",
            fields: [FieldProblem(path: "$", problem: "must be at most \(limit) bytes")]
        )
    }

    static func unsupportedMediaType(_ contentType: String?) -> APIError {
        APIError(
            status: .unsupportedMediaType, code: "unsupported_media_type",
            message: "the body must be application/json (Content-Type), got \(contentType.map { "\($0.prefix(100))" } ?? "no Content-Type")",
            headers: [.accept: "application/json"]
        )
    }

    /// The code of the worker's own 429: the intake SLO counts it against the worker.
    static let backlogFullCode = "backlog_full"

    static func backlogFull(depth: Int, retryAfterSeconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, code: backlogFullCode,
            message: "\(depth) jobs are waiting; retry later",
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    static func unavailable(_ message: String, retryAfterSeconds: Int = 5) -> APIError {
        APIError(status: .serviceUnavailable, code: "unavailable", message: message, headers: [.retryAfter: String(retryAfterSeconds)])
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "\(method.rawValue.prefix(32)) is not allowed here; allowed: \(list)",
            headers: [.allow: list]
        )
    }

    static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "\(what) does not exist")
    }
}
