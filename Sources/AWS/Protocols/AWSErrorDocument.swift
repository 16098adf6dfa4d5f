import Curl
import Foundation

/// Reads an AWS error response of either protocol into an ``AWSError``.
///
/// - JSON protocols: `{"__type": "...#Code", "message": "..."}` (also `code`/`Code`, `Message`),
///   or the `x-amzn-ErrorType` header.
/// - Query/XML: `<ErrorResponse><Error><Code>` (or `<Errors><Error>`) with `<Message>` and `<RequestId>`.
///   Authentication failures come back in this form from every service (moto included), so the
///   body's shape decides, not the protocol of the call.
enum AWSErrorDocument {
    /// The longest service message kept, so a misbehaving endpoint cannot flood a log line.
    static let maximumMessageLength = 512

    static func error(from response: HTTPClientResponse, service: AWSService, operation: String) -> AWSError {
        var code: String?
        var message: String?
        var requestID = response.headers["x-amzn-RequestId"] ?? response.headers["x-amz-request-id"]
            ?? response.headers["x-amzn-request-id"]

        let body = response.body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if body.first == UInt8(ascii: "{"),
           let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            code = (object["__type"] ?? object["code"] ?? object["Code"]) as? String
            message = (object["message"] ?? object["Message"] ?? object["errorMessage"]) as? String
        } else if body.first == UInt8(ascii: "<"), let root = try? XMLReader.parse(Data(body)) {
            let error = root.name == "Error" ? root : root.descendant("Error")
            code = error?.string("Code")
            message = error?.string("Message") ?? error?.string("message")
            requestID = requestID ?? root.descendant("RequestId").map { $0.text } ?? root.descendant("RequestID").map { $0.text }
        }
        if code == nil, let header = response.headers["x-amzn-ErrorType"] ?? response.headers["x-amzn-query-error"] {
            code = header
        }
        let normalized = code.map(normalize).flatMap { $0.isEmpty ? nil : $0 }
        let text = message.map { String($0.prefix(maximumMessageLength)) }
            ?? "HTTP \(response.status) without an AWS error document"
        return AWSError(
            kind: .service, service: service.id, operation: operation, status: response.status,
            code: normalized, message: text, requestID: requestID?.trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    /// `aws.protocoltests#Code:http://internal...` and `Code;Sender` both become `Code`.
    static func normalize(_ code: String) -> String {
        var value = Substring(code)
        if let hash = value.lastIndex(of: "#") { value = value[value.index(after: hash)...] }
        if let colon = value.firstIndex(of: ":") { value = value[..<colon] }
        if let semicolon = value.firstIndex(of: ";") { value = value[..<semicolon] }
        return value.trimmingCharacters(in: .whitespaces)
    }
}
