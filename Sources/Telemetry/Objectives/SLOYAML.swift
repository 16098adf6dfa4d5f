import Foundation
import Yams

/// A YAML document reduced to what the SLO file uses: mappings with string keys (in order),
/// sequences and scalars, each with its line. Built from Yams' node tree at once, so nothing of
/// Yams (whose nodes are classes) outlives the parse.
indirect enum SLOYAML: Sendable {
    case scalar(String, line: Int?)
    case mapping([(key: String, value: SLOYAML)], line: Int?)
    case sequence([SLOYAML], line: Int?)

    var line: Int? {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): line
        }
    }

    /// A key with nothing after it (`annotations:`), or an explicit `~`/`null`.
    var isNull: Bool {
        if case .scalar(let text, _) = self { return text.isEmpty || text == "~" || text == "null" }
        return false
    }

    /// What the value is, for "expected a mapping, found a sequence".
    var kindName: String {
        switch self {
        case .scalar: "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        }
    }

    /// The documents of `text`.
    ///
    /// - Throws: ``SLOFileError`` for text that is not YAML (with its line), or a mapping key that
    ///   is not a scalar.
    static func documents(_ text: String, file: String) throws(SLOFileError) -> [SLOYAML] {
        do {
            var documents: [SLOYAML] = []
            // Yams' sequence ends at a syntax error and keeps the error: iterate it itself and ask.
            var nodes = try Yams.compose_all(yaml: text)
            while let node = nodes.next() {
                documents.append(try convert(node, file: file, document: documents.count + 1))
            }
            if let error = nodes.error { throw error }
            return documents
        } catch let error as SLOFileError {
            throw error
        } catch let error as YamlError {
            throw SLOFileError(file: file, line: error.line, problem: "not valid YAML: \(error.summary)")
        } catch {
            throw SLOFileError(file: file, problem: "not valid YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, file: String, document: Int) throws -> SLOYAML {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, line: line)
        case .sequence(let sequence):
            return .sequence(try sequence.map { try convert($0, file: file, document: document) }, line: line)
        case .mapping(let mapping):
            var pairs: [(key: String, value: SLOYAML)] = []
            for (key, value) in mapping {
                guard case .scalar(let name) = key else {
                    throw SLOFileError(file: file, document: document, line: key.mark?.line, problem: "a mapping key must be a plain name")
                }
                if pairs.contains(where: { $0.key == name.string }) {
                    throw SLOFileError(file: file, document: document, field: name.string, line: key.mark?.line, problem: "appears twice in one mapping")
                }
                pairs.append((name.string, try convert(value, file: file, document: document)))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw SLOFileError(file: file, document: document, line: line, problem: "YAML aliases are not used in the SLO file")
        }
    }
}

extension YamlError {
    /// The line of a scanner, parser or composer error.
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    /// The problem without the snippet Yams appends.
    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: description
        }
    }
}
