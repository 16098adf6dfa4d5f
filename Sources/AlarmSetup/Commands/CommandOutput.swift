import Foundation
import Synchronization

/// Where a command writes its answer: standard output, or a buffer in tests.
protocol CommandOutput: Sendable {
    func write(_ text: String)
}

/// Standard output, one `print` per call.
struct StandardOutput: CommandOutput {
    func write(_ text: String) { print(text) }
}

/// Collects what a command wrote (tests read it back).
final class BufferedOutput: CommandOutput {
    private let lines = Mutex<[String]>([])

    func write(_ text: String) { lines.withLock { $0.append(text) } }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }
}

extension ProvisioningPlan {
    /// The plan as JSON: `{"changes": [{resource, name, action, details}], "pending": n}`.
    func json(extra: [String: JSONValue] = [:]) throws -> String {
        let data = try JSONEncoder().encode(changes)
        var document: [String: JSONValue] = ["changes": try JSONValue.decode(data), "pending": .number(Double(pending.count))]
        document.merge(extra) { _, new in new }
        return String(decoding: try JSONValue.object(document).encoded(pretty: true), as: UTF8.self)
    }
}
