import Foundation
import Logging

/// `rag-worker ingest`: documents → chunks → embeddings → the configured store, idempotently.
///
/// Each chunk's content hash (model, source, title, section, content) is its key: chunks
/// already stored are neither embedded again nor written again, so running ingest twice
/// changes nothing, and a re-ingested document whose text changed gets its new chunks
/// added and its old ones removed. Embeddings are requested in the embedder's batch size.
public struct Ingestor: Sendable {
    /// What one run did.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var documents = 0
        public var chunks = 0
        /// Chunks embedded and written now.
        public var inserted = 0
        /// Chunks found stored already.
        public var unchanged = 0
        /// Stored chunks of these sources that no longer exist in them.
        public var removed = 0

        public init(documents: Int = 0, chunks: Int = 0, inserted: Int = 0, unchanged: Int = 0, removed: Int = 0) {
            self.documents = documents
            self.chunks = chunks
            self.inserted = inserted
            self.unchanged = unchanged
            self.removed = removed
        }

        public var description: String {
            "\(documents) documents, \(chunks) chunks: \(inserted) added, \(unchanged) unchanged, \(removed) removed"
        }
    }

    public let embedder: any Embedder
    public let store: any VectorStore
    public let chunker: DocumentChunker
    public let logger: Logger
    /// Chunks written per store call.
    public var writeBatchSize = 500

    public init(embedder: any Embedder, store: any VectorStore, chunker: DocumentChunker = DocumentChunker(), logger: Logger) {
        self.embedder = embedder
        self.store = store
        self.chunker = chunker
        self.logger = logger
    }

    /// Ingests the files and directories at `paths`.
    public func ingest(paths: [String]) async throws -> Report {
        try await ingest(documents: DocumentLoader.load(paths: paths))
    }

    /// Ingests the bundled sample corpus of past work.
    public func ingestSampleCorpus() async throws -> Report {
        try await ingest(paths: [PipelineResources.sampleCorpus.path])
    }

    public func ingest(documents: [SourceDocument]) async throws -> Report {
        var report = try await ingest(chunks: documents.flatMap(chunker.chunks(of:)), pruneSources: true)
        report.documents = documents.count
        return report
    }

    /// Ingests prepared chunks. With `pruneSources`, stored chunks of the same sources that are
    /// not among `chunks` are removed.
    public func ingest(chunks: [DocumentChunk], pruneSources: Bool = false) async throws -> Report {
        let model = embedder.identity.name
        var report = Report(chunks: chunks.count)
        let hashes = chunks.map { $0.contentHash(embeddingModel: model) }
        let existing = try await store.existingHashes(hashes, call: call(for: store.identity))
        let fresh = zip(chunks, hashes).filter { !existing.contains($0.1) }
        report.unchanged = chunks.count - fresh.count

        for batch in fresh.chunked(into: max(embedder.maxBatchSize, 1)) {
            let embeddings = try await embedder.embed(batch.map(\.0.embeddingText), call: call(for: embedder.identity))
            let embedded = zip(batch, embeddings.vectors).map { pair, vector in
                EmbeddedChunk(chunk: pair.0, embedding: vector, embeddingModel: model, contentHash: pair.1)
            }
            for writeBatch in embedded.chunked(into: writeBatchSize) {
                report.inserted += try await store.upsert(Array(writeBatch), call: call(for: store.identity))
            }
            logger.debug("ingest batch stored", metadata: ["chunks": "\(batch.count)", "provider": "\(store.identity.name)"])
        }

        if pruneSources {
            var keeping: [String: Set<String>] = [:]
            for (chunk, hash) in zip(chunks, hashes) { keeping[chunk.source, default: []].insert(hash) }
            for (source, hashes) in keeping.sorted(by: { $0.key < $1.key }) {
                report.removed += try await store.removeStale(source: source, embeddingModel: model, keeping: hashes,
                                                              call: call(for: store.identity))
            }
        }
        return report
    }

    private func call(for provider: ProviderIdentity) -> ProviderCall {
        .standalone(provider: provider, logger: logger)
    }
}
