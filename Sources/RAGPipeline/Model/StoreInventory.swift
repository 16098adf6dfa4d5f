/// What a vector store holds for retrieval: `rag-worker ingest --check`, `rag-worker config` and
/// the start-up warning read it, so a worker never serves ungrounded drafts without saying so.
public struct StoreInventory: Sendable, Equatable, CustomStringConvertible {
    /// The embedding model the counts are for: the one the worker queries with.
    public var embeddingModel: String
    /// Chunks embedded by ``embeddingModel``: what retrieval can find.
    public var chunks: Int
    /// Distinct source documents among those chunks, when the store can count them cheaply.
    public var documents: Int?
    /// Chunks embedded by other models: retrieval with ``embeddingModel`` never finds them.
    public var otherModelChunks: Int

    public init(embeddingModel: String, chunks: Int, documents: Int?, otherModelChunks: Int) {
        self.embeddingModel = embeddingModel
        self.chunks = chunks
        self.documents = documents
        self.otherModelChunks = otherModelChunks
    }

    /// Nothing retrieval could find.
    public var isEmpty: Bool { chunks == 0 }

    /// One line for people: counts, and what is wrong when retrieval would find nothing.
    public var description: String {
        let counted = documents.map { "\($0) document\($0 == 1 ? "" : "s") in \(chunks) chunk\(chunks == 1 ? "" : "s")" }
            ?? "\(chunks) chunk\(chunks == 1 ? "" : "s")"
        var line = "\(counted) embedded with \(embeddingModel)"
        if otherModelChunks > 0 {
            line += "; \(otherModelChunks) more chunk\(otherModelChunks == 1 ? "" : "s") embedded with another model, which retrieval with \(embeddingModel) never finds"
        }
        return line
    }
}
