/// One setting that is missing or malformed.
struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    let key: String
    let problem: String

    var description: String { "\(key): \(problem)" }
}

/// Start-up stops with this error; its description lists every problem at once.
///
/// Messages name the variable and what is wrong with it, never its value when it is a secret.
struct ConfigError: Error, Sendable, CustomStringConvertible {
    let problems: [ConfigProblem]

    var description: String {
        let lines = problems.map { "  - \($0)" }.joined(separator: "\n")
        return "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n\(lines)"
    }
}
