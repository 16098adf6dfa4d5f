/// Start-up stops with this error; its description lists every bad telemetry setting at once.
public struct TelemetryConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One variable and what is wrong with it.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let variable: String
        public let problem: String

        public var description: String { "\(variable): \(problem)" }
    }

    public let problems: [Problem]

    /// Configuration errors never succeed on a retry.
    public var isRetryable: Bool { false }

    public var description: String {
        let lines = problems.map { "  - \($0)" }.joined(separator: "\n")
        return "invalid telemetry configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n\(lines)"
    }
}
