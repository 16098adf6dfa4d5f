import ArgumentParser
import Foundation
import Synchronization

/// Where a command writes its answer: standard output, or a buffer in tests.
protocol CommandOutput: Sendable {
    func write(_ text: String)
}

/// A command whose work is `execute`, which tests call with their own environment and output;
/// `run` gives it the process's and turns a non-zero status into the exit code.
protocol StatusCommand: AsyncParsableCommand {
    func execute(environment: [String: String], output: some CommandOutput) async throws -> Int32
}

extension StatusCommand {
    func run() async throws {
        let status = try await execute(environment: ProcessInfo.processInfo.environment, output: StandardOutput())
        if status != 0 { throw ExitCode(status) }
    }
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
