import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One canned answer of a loopback double: a status, headers, a body and an optional delay.
public struct ScriptedResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    public var delay: Duration

    public init(status: Int, headers: [String: String] = [:], body: Data = Data(), delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    public init(status: Int, json: String, headers: [String: String] = [:], delay: Duration = .zero) {
        var headers = headers
        headers["Content-Type"] = headers["Content-Type"] ?? "application/json"
        self.init(status: status, headers: headers, body: Data(json.utf8), delay: delay)
    }

    /// Builds the Hummingbird response, after waiting for `delay`.
    public func response() async throws -> Response {
        if delay > .zero {
            try await Task.sleep(for: delay)
        }
        var fields = HTTPFields()
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

/// A queue of answers consumed one per request; when it is empty the fallback answers.
///
/// Lets a test say "fail twice with 503, then succeed" without custom server code.
public actor ScriptedResponses {
    private var queue: [ScriptedResponse]
    private let fallback: @Sendable (RecordedRequest) -> ScriptedResponse

    public init(
        _ queue: [ScriptedResponse] = [],
        fallback: @escaping @Sendable (RecordedRequest) -> ScriptedResponse = { _ in ScriptedResponse(status: 200) }
    ) {
        self.queue = queue
        self.fallback = fallback
    }

    /// Appends answers to the end of the queue.
    public func enqueue(_ responses: [ScriptedResponse]) {
        queue.append(contentsOf: responses)
    }

    /// The next answer for `request`.
    public func next(for request: RecordedRequest) -> ScriptedResponse {
        queue.isEmpty ? fallback(request) : queue.removeFirst()
    }
}
