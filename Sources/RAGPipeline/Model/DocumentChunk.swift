import Crypto
import Foundation

/// A piece of past work cut from a document for retrieval: what `ingest` embeds and stores.
public struct DocumentChunk: Sendable, Equatable, Codable {
    /// The document's title (first Markdown heading, JSON `title`, or the file name).
    public var title: String
    /// Where it came from, relative to the ingested path (e.g. `proposals/rag-support-bot.md`).
    public var source: String
    /// The heading path inside the document, when there is one.
    public var section: String?
    /// Position of the chunk in its document, from 0.
    public var index: Int
    public var content: String
    /// Extra fields carried into the store's `metadata` (e.g. `tags`).
    public var metadata: [String: JSONValue]

    public init(title: String, source: String, section: String? = nil, index: Int, content: String, metadata: [String: JSONValue] = [:]) {
        self.title = title
        self.source = source
        self.section = section
        self.index = index
        self.content = content
        self.metadata = metadata
    }

    /// The idempotency key of the stored row: SHA-256 over the embedding model, the source,
    /// the title and the content. Ingesting the same chunk again with the same model finds it.
    public func contentHash(embeddingModel: String) -> String {
        var hasher = SHA256()
        for part in [embeddingModel, source, title, section ?? "", content] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return Self.hex(hasher.finalize())
    }

    /// Lower-case hex, without `String(format:)` (which costs a microsecond per byte).
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// The text that is embedded: title and section give the content its context.
    public var embeddingText: String {
        [title, section, content].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// A chunk with its vector, ready to be stored.
public struct EmbeddedChunk: Sendable {
    public var chunk: DocumentChunk
    public var embedding: [Float]
    /// The embedder that made `embedding` (``ProviderIdentity/name``).
    public var embeddingModel: String
    public var contentHash: String

    /// - Parameter contentHash: `chunk.contentHash(embeddingModel:)`, when the caller has it already.
    public init(chunk: DocumentChunk, embedding: [Float], embeddingModel: String, contentHash: String? = nil) {
        self.chunk = chunk
        self.embedding = embedding
        self.embeddingModel = embeddingModel
        self.contentHash = contentHash ?? chunk.contentHash(embeddingModel: embeddingModel)
    }

    /// The `metadata` object stored with the row: title, source, section, chunk index,
    /// embedding model, plus the chunk's own metadata.
    public var storedMetadata: [String: JSONValue] {
        var metadata = chunk.metadata
        metadata["title"] = .string(chunk.title)
        metadata["source"] = .string(chunk.source)
        metadata["chunk_index"] = .number(Double(chunk.index))
        metadata["embedding_model"] = .string(embeddingModel)
        if let section = chunk.section { metadata["section"] = .string(section) }
        return metadata
    }
}
