import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RAGPipeline

/// A failure a provider double injects into one answer.
public enum ProviderFault: Sendable, Equatable {
    /// Waits, then answers normally (a slow provider).
    case delay(Duration)
    /// Answers with this status and an error body in the provider's format; `retryAfter` is
    /// sent as the `Retry-After` header.
    case status(Int, retryAfter: String? = nil)
    /// Answers 200 with a body that is not JSON.
    case malformedJSON
    /// Chat completions only: a well-formed API answer whose content breaks the proposal schema.
    case invalidModelOutput
    /// Sends the headers and part of the body, then closes the connection.
    case dropConnection
    /// A misbehaving gateway: answers `status` with the request's `Authorization` header echoed
    /// into the error body's `code` and into `x-request-id`, padded to `paddingBytes` more.
    case echoAuthorization(status: Int, paddingBytes: Int)
    /// A provider that quotes what it was sent: answers `status` with the whole request body in
    /// its error `message` (and a `details` field besides), as validation errors often do.
    case echoRequest(status: Int)
}

/// The faults a double injects, one per request in arrival order; when the queue is empty
/// requests are answered normally.
public actor FaultScript {
    private var queue: [ProviderFault]

    public init(_ faults: [ProviderFault] = []) {
        queue = faults
    }

    /// Appends `fault` `times` times.
    public func enqueue(_ fault: ProviderFault, times: Int = 1) {
        queue += Array(repeating: fault, count: times)
    }

    public func enqueue(_ faults: [ProviderFault]) {
        queue += faults
    }

    /// Faults not consumed yet.
    public var pending: Int { queue.count }

    func next() -> ProviderFault? {
        queue.isEmpty ? nil : queue.removeFirst()
    }
}

/// Building blocks shared by the doubles.
enum DoubleResponse {
    static func json(_ object: Any, status: HTTPResponse.Status = .ok, headers: [String: String] = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The answer for `fault`, or `nil` when the double should answer normally (after any delay).
    ///
    /// - Parameter echoBody: the provider's error body around an echoed message (`.echoRequest`).
    static func apply(
        _ fault: ProviderFault?, authorization: String? = nil, requestBody: Data = Data(), errorBody: (Int) -> Any,
        echoBody: (String) -> Any = { ["error": ["message": $0, "type": "invalid_request_error", "code": "invalid_request_error"]] }
    ) async throws -> Response? {
        switch fault {
        case .echoRequest(let code):
            // Validation errors quote the field they refuse first (a search query, an embedding
            // input, the chat messages), then the whole request; key order of the body varies.
            let fields = (try? JSONSerialization.jsonObject(with: requestBody)) as? [String: Any]
            let quoted = ["query", "input", "messages"].lazy.compactMap { fields?[$0] }.first.map { "\($0) in " } ?? ""
            let echoed = "invalid request: " + quoted + String(decoding: requestBody, as: UTF8.self)
            var body = echoBody(echoed) as? [String: Any] ?? [:]
            body["details"] = String(decoding: requestBody, as: UTF8.self)
            return json(body, status: .init(code: code))
        case .echoAuthorization(let code, let padding):
            let echoed = authorization ?? ""
            return json(
                ["error": ["message": "upstream failed", "type": "server_error", "code": echoed]],
                status: .init(code: code),
                headers: ["x-request-id": "req-\(echoed)-" + String(repeating: "x", count: padding)])
        case nil, .invalidModelOutput:
            return nil
        case .delay(let duration):
            try await Task.sleep(for: duration)
            return nil
        case .status(let code, let retryAfter):
            return json(errorBody(code), status: .init(code: code), headers: retryAfter.map { ["Retry-After": $0] } ?? [:])
        case .malformedJSON:
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"data\": [ {\"index\": 0, \"embe")))
        case .dropConnection:
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            return Response(status: .ok, headers: fields, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{\"partial\": "))
                throw DroppedConnection()
            })
        }
    }

    /// Query parameters with keys and values percent-decoded (PostgREST decodes both).
    static func query(_ request: Request) -> [(key: String, value: String)] {
        guard let raw = request.uri.query, !raw.isEmpty else { return [] }
        return raw.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (key, value)
        }
    }

    /// A deterministic unit vector of hashed words: texts sharing words get similar vectors.
    static func embedding(_ text: String, dimensions: Int) -> [Double] {
        var vector = [Double](repeating: 0, count: dimensions)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            vector[Int(hash % UInt64(dimensions))] += 1
        }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }

    /// The API's `encoding_format: base64` form of a vector (``Float32Base64``).
    static func base64Float32(_ vector: [Double]) -> String {
        Float32Base64.encode(vector.map { Float($0) })
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return 0 }
        var dot = 0.0, na = 0.0, nb = 0.0
        for index in a.indices {
            dot += a[index] * b[index]
            na += a[index] * a[index]
            nb += b[index] * b[index]
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }
}

struct DroppedConnection: Error {}
