import Foundation
import Hummingbird

/// A request a loopback double received, kept for assertions.
public struct RecordedRequest: Sendable {
    public let method: String
    public let path: String
    public let headers: [String: String]
    public let body: Data
    public let receivedAt: Date

    /// The header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body decoded as a JSON object, if it is one.
    public var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }
}

/// Collects the requests a double received, in arrival order.
public actor RequestRecorder {
    public private(set) var requests: [RecordedRequest] = []

    public init() {}

    /// Reads the whole body (up to 64 MiB) and records the request.
    @discardableResult
    public func record(_ request: Request) async throws -> RecordedRequest {
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let buffer = try await request.body.collect(upTo: 64 << 20)
        let recorded = RecordedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            headers: headers,
            body: Data(buffer.readableBytesView),
            receivedAt: Date()
        )
        requests.append(recorded)
        return recorded
    }

    public var count: Int { requests.count }

    public func removeAll() {
        requests.removeAll()
    }
}
