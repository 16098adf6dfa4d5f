import Foundation

/// The SLO file cannot be used: one line naming the file, the SLO and the field, so alarm-setup
/// and the worker can stop with it (exit status 78 for the worker, as for configuration errors).
public struct SLOFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as it was given (or the bundled file's path).
    public let file: String
    /// The SLO's `metadata.name`; nil when the document has none (yet), then ``document`` says which.
    public let slo: String?
    /// The 1-based YAML document (`---`-separated) the problem is in, when known.
    public let document: Int?
    /// The field's path, e.g. `spec.objectives[0].target`; nil for a file-wide problem.
    public let field: String?
    /// The YAML line of the field, when known.
    public let line: Int?
    public let problem: String

    public init(file: String, slo: String? = nil, document: Int? = nil, field: String? = nil, line: Int? = nil, problem: String) {
        self.file = file
        self.slo = slo
        self.document = document
        self.field = field
        self.line = line
        self.problem = problem
    }

    public var description: String {
        var text = "SLO file \(file)"
        if let line { text += ":\(line)" }
        if let slo {
            text += ": SLO '\(slo)'"
        } else if let document {
            text += ": document \(document)"
        }
        if let field { text += ", field \(field)" }
        text += ": \(problem)"
        // One line whatever a YAML parser said.
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
