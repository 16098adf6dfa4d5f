import Foundation

/// Reads the files `ingest` is given: Markdown (`.md`, `.markdown`), text (`.txt`) and JSON
/// (`.json`); directories are walked recursively, in name order.
///
/// A JSON file holds one document object, an array of them, or `{"documents": [...]}`. A
/// document object has `title` and its text in `content`, `text`, `body` or `description`
/// (Markdown allowed); other string, number and string-list fields (e.g. `client`, `year`,
/// `tags`) become metadata.
public enum DocumentLoader {
    static let extensions: Set<String> = ["md", "markdown", "txt", "json"]

    /// The documents under `paths`.
    ///
    /// - Throws: ``IngestError`` for a missing path or a file that cannot be read or parsed.
    public static func load(paths: [String]) throws -> [SourceDocument] {
        var documents: [SourceDocument] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw IngestError("no such file or directory: \(path)")
            }
            if isDirectory.boolValue {
                for file in try files(under: url) {
                    let relative = String(file.path.dropFirst(url.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                    documents += try load(file: file, source: relative)
                }
            } else {
                documents += try load(file: url, source: url.lastPathComponent)
            }
        }
        return documents
    }

    static func files(under directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw IngestError("cannot list \(directory.path)")
        }
        var files: [URL] = []
        for case let file as URL in enumerator where extensions.contains(file.pathExtension.lowercased()) {
            if (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(file) }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func load(file: URL, source: String) throws -> [SourceDocument] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw IngestError("cannot read \(source) as UTF-8 text")
        }
        let fallbackTitle = humanize(file.deletingPathExtension().lastPathComponent)
        switch file.pathExtension.lowercased() {
        case "json":
            return try json(text, source: source, fallbackTitle: fallbackTitle)
        case "txt":
            return [SourceDocument(title: fallbackTitle, source: source, text: text, format: .text)]
        default:
            return [SourceDocument(title: markdownTitle(text) ?? fallbackTitle, source: source, text: text, format: .markdown)]
        }
    }

    private static func json(_ text: String, source: String, fallbackTitle: String) throws -> [SourceDocument] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw IngestError("\(source) is not valid JSON")
        }
        let items: [JSONValue]
        switch value {
        case .array(let array): items = array
        case .object(let object):
            if case .array(let array)? = object["documents"] { items = array } else { items = [value] }
        default: throw IngestError("\(source): expected a document object or an array of them")
        }
        return items.enumerated().compactMap { index, item -> SourceDocument? in
            guard case .object(let object) = item else { return nil }
            var body: String?
            for key in ["content", "text", "body", "description"] {
                if case .string(let value)? = object[key], !value.isEmpty { body = value; break }
            }
            guard let body else { return nil }
            var title = items.count == 1 ? fallbackTitle : "\(fallbackTitle) \(index + 1)"
            if case .string(let value)? = object["title"], !value.isEmpty { title = value }
            var metadata: [String: JSONValue] = [:]
            for (key, field) in object where !["title", "content", "text", "body", "description", "documents"].contains(key) {
                switch field {
                case .string, .number, .bool: metadata[key] = field
                case .array(let values) where values.allSatisfy({ if case .string = $0 { true } else { false } }): metadata[key] = field
                default: continue
                }
            }
            return SourceDocument(title: title, source: items.count == 1 ? source : "\(source)#\(index + 1)",
                                  text: body, format: .markdown, metadata: metadata)
        }
    }

    /// The text of the first `# ` heading.
    static func markdownTitle(_ text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("# ") { return String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// `rag-support-bot` → `Rag support bot`.
    static func humanize(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

/// A path or file `ingest` cannot use.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
