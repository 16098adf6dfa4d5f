/// A document to ingest, as read from a file: its title, where it came from, its text and
/// format, and any metadata its JSON carried.
public struct SourceDocument: Sendable, Equatable {
    public enum Format: String, Sendable {
        case markdown
        case text
    }

    public var title: String
    /// Path relative to the ingested root, e.g. `proposals/rag-support-bot.md`; for a JSON file
    /// holding several documents, `file.json#2`.
    public var source: String
    public var text: String
    public var format: Format
    public var metadata: [String: JSONValue]

    public init(title: String, source: String, text: String, format: Format, metadata: [String: JSONValue] = [:]) {
        self.title = title
        self.source = source
        self.text = text
        self.format = format
        self.metadata = metadata
    }
}
