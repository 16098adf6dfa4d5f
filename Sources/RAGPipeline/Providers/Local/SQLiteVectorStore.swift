import Foundation
import SQLite
import Synchronization

/// The embedded default vector store: chunks and their vectors in a SQLite file, searched by
/// exact cosine similarity.
///
/// Vectors are kept as little-endian Float32 blobs. A search loads every vector of the
/// embedding model once into a packed ``VectorMatrix`` and reuses it until the table changes
/// (a generation counter bumped by every write, also by other processes such as `ingest`),
/// so a query is one scan in memory: ≤ 50 ms for 10,000 × 1,536 in release builds.
public final class SQLiteVectorStore: VectorStore {
    public let identity = ProviderIdentity.remote("sqlite", "cosine")
    let database: SQLiteDatabase
    private let cache = MatrixCache()
    private let documentCache = DocumentCache()

    /// Uses `database` (creating the tables when missing).
    public init(database: SQLiteDatabase) async throws {
        self.database = database
        try await database.write { try $0.execute(Self.schema) }
    }

    public func search(_ query: [Float], limit: Int, embeddingModel: String, call: ProviderCall) async throws -> [RetrievedDocument] {
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [database, cache, documentCache] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.read(timeout: timeout) { connection in
                    let generation = try Self.generation(connection)
                    let matrix = try cache.matrix(model: embeddingModel, generation: generation) {
                        try Self.loadMatrix(connection, model: embeddingModel)
                    }
                    if matrix.count > 0, matrix.dimensions != query.count {
                        throw ProviderError(
                            kind: .rejected, provider: provider,
                            message: "the query has \(query.count) dimensions, the stored vectors \(matrix.dimensions)"
                        )
                    }
                    let nearest = matrix.nearest(to: query, limit: limit)
                    return try Self.documents(connection, ids: nearest.map { matrix.ids[$0.row] }, similarities: nearest.map(\.similarity),
                                              generation: generation, cache: documentCache)
                }
            }
        }
    }

    public func existingHashes(_ hashes: [String], call: ProviderCall) async throws -> Set<String> {
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.read(timeout: timeout) { connection in
                    var found: Set<String> = []
                    for batch in hashes.chunked(into: 500) {
                        let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                        let rows = try connection.query("SELECT content_hash FROM documents WHERE content_hash IN (\(marks))", Array(batch))
                        for row in rows { if let hash = row.string("content_hash") { found.insert(hash) } }
                    }
                    return found
                }
            }
        }
    }

    public func upsert(_ chunks: [EmbeddedChunk], call: ProviderCall) async throws -> Int {
        let provider = identity.name
        let now = Date().formatted(.iso8601)
        let encoder = JSONEncoder()
        let rows = try chunks.map { chunk -> [SQLiteValue] in
            let metadata = String(decoding: try encoder.encode(chunk.storedMetadata), as: UTF8.self)
            let blob = chunk.embedding.withUnsafeBufferPointer { Data(buffer: $0) }
            return [.text(chunk.contentHash), .text(chunk.embeddingModel), .text(chunk.chunk.source), .text(chunk.chunk.title),
                    .text(chunk.chunk.content), .text(metadata), .integer(Int64(chunk.embedding.count)), .blob(blob), .text(now)]
        }
        return try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.write(timeout: timeout) { connection in
                    try connection.transaction {
                        var inserted = 0
                        for row in rows {
                            inserted += try connection.run("""
                                INSERT INTO documents (content_hash, embedding_model, source, title, content, metadata, dimensions, embedding, created_at)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(content_hash) DO NOTHING
                                """, row)
                        }
                        if inserted > 0 { try Self.bumpGeneration(connection) }
                        return inserted
                    }
                }
            }
        }
    }

    public func removeStale(source: String, embeddingModel: String, keeping: Set<String>, call: ProviderCall) async throws -> Int {
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.write(timeout: timeout) { connection in
                    try connection.transaction {
                        let rows = try connection.query(
                            "SELECT id, content_hash FROM documents WHERE source = ? AND embedding_model = ?", [source, embeddingModel])
                        var removed = 0
                        for row in rows where !keeping.contains(row.string("content_hash") ?? "") {
                            removed += try connection.run("DELETE FROM documents WHERE id = ?", [row.int("id") ?? -1])
                        }
                        if removed > 0 { try Self.bumpGeneration(connection) }
                        return removed
                    }
                }
            }
        }
    }

    public func inventory(embeddingModel: String, call: ProviderCall) async throws -> StoreInventory {
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.read(timeout: timeout) { connection in
                    let rows = try connection.query("""
                        SELECT embedding_model = ? AS mine, count(*) AS chunks, count(DISTINCT source) AS sources
                        FROM documents GROUP BY embedding_model = ?
                        """, [embeddingModel, embeddingModel])
                    var inventory = StoreInventory(embeddingModel: embeddingModel, chunks: 0, documents: 0, otherModelChunks: 0)
                    for row in rows {
                        if row.int("mine") == 1 {
                            inventory.chunks = row.int("chunks") ?? 0
                            inventory.documents = row.int("sources") ?? 0
                        } else {
                            inventory.otherModelChunks = row.int("chunks") ?? 0
                        }
                    }
                    return inventory
                }
            }
        }
    }

    /// How many chunks of `embeddingModel` are stored (all models when `nil`).
    public func count(embeddingModel: String? = nil) async throws -> Int {
        try await database.read { connection in
            let row = if let embeddingModel {
                try connection.queryFirst("SELECT count(*) AS n FROM documents WHERE embedding_model = ?", [embeddingModel])
            } else {
                try connection.queryFirst("SELECT count(*) AS n FROM documents")
            }
            return row?.int("n") ?? 0
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS documents (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            embedding_model TEXT NOT NULL,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            content TEXT NOT NULL,
            metadata TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            embedding BLOB NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS documents_model_source ON documents (embedding_model, source);
        CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """

    private static func generation(_ connection: SQLiteConnection) throws -> Int64 {
        Int64(try connection.queryFirst("SELECT value FROM store_meta WHERE key = 'generation'")?.int("value") ?? 0)
    }

    private static func bumpGeneration(_ connection: SQLiteConnection) throws {
        try connection.run("""
            INSERT INTO store_meta (key, value) VALUES ('generation', 1)
            ON CONFLICT(key) DO UPDATE SET value = value + 1
            """)
    }

    private static func loadMatrix(_ connection: SQLiteConnection, model: String) throws -> VectorMatrix {
        let statement = try connection.cachedStatement(
            "SELECT id, dimensions, embedding FROM documents WHERE embedding_model = ? ORDER BY id")
        defer { statement.reset() }
        try statement.bind([.text(model)])
        var ids: [Int64] = []
        var values: [Float] = []
        var dimensions = 0
        while try statement.step() {
            let row = statement.currentRow()
            guard let id = row.int("id"), let width = row.int("dimensions"), let blob = row.data("embedding"),
                  blob.count == width * MemoryLayout<Float>.stride
            else { continue }
            if dimensions == 0 { dimensions = width }
            guard width == dimensions else { continue }
            var vector = [Float](repeating: 0, count: width)
            _ = vector.withUnsafeMutableBytes { blob.copyBytes(to: $0) }
            ids.append(Int64(id))
            values.append(contentsOf: VectorMatrix.normalized(vector))
        }
        return VectorMatrix(dimensions: dimensions, ids: ids, values: values)
    }

    /// The rows of `ids`, in that order, with their similarities; rows already read in this
    /// generation of the table come from `cache` (their metadata JSON is decoded once).
    private static func documents(
        _ connection: SQLiteConnection, ids: [Int64], similarities: [Float], generation: Int64, cache: DocumentCache
    ) throws -> [RetrievedDocument] {
        guard !ids.isEmpty else { return [] }
        var known = cache.entries(for: ids, generation: generation)
        let missing = ids.filter { known[$0] == nil }
        if !missing.isEmpty {
            let marks = Array(repeating: "?", count: missing.count).joined(separator: ",")
            var loaded: [Int64: DocumentCache.Entry] = [:]
            for row in try connection.query("SELECT id, content, metadata FROM documents WHERE id IN (\(marks))", missing) {
                guard let id = row.int("id") else { continue }
                let metadata = (try? JSONDecoder().decode([String: JSONValue].self, from: row.data("metadata") ?? Data())) ?? [:]
                loaded[Int64(id)] = DocumentCache.Entry(content: row.string("content") ?? "", metadata: metadata)
            }
            cache.store(loaded, generation: generation)
            known.merge(loaded) { _, new in new }
        }
        return zip(ids, similarities).compactMap { id, similarity in
            guard let entry = known[id] else { return nil }
            return RetrievedDocument(id: String(id), content: entry.content, metadata: entry.metadata, similarity: Double(similarity))
        }
    }

    /// Runs SQLite work, turning its errors into ``ProviderError``s (a busy database is retried).
    static func mapErrors<T>(provider: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SQLiteError where error.isTimeout {
            throw ProviderError(kind: .timedOut, provider: provider, message: error.message)
        } catch let error as SQLiteError {
            throw ProviderError(kind: error.isBusy ? .serverError : .rejected, provider: provider, message: "SQLite error \(error.code)")
        }
    }
}

/// The matrix of each embedding model, for the generation of the table it was built from.
final class MatrixCache: Sendable {
    private let entries = Mutex<[String: (generation: Int64, matrix: VectorMatrix)]>([:])

    func matrix(model: String, generation: Int64, load: () throws -> VectorMatrix) throws -> VectorMatrix {
        if let entry = entries.withLock({ $0[model] }), entry.generation == generation { return entry.matrix }
        let matrix = try load()
        entries.withLock { $0[model] = (generation, matrix) }
        return matrix
    }
}

/// Documents already read (content and decoded metadata), for one generation of the table.
/// Bounded: past ``capacity`` rows it starts over.
final class DocumentCache: Sendable {
    struct Entry: Sendable {
        var content: String
        var metadata: [String: JSONValue]
    }

    static let capacity = 50_000
    private let state = Mutex<(generation: Int64, entries: [Int64: Entry])>((generation: -1, entries: [:]))

    func entries(for ids: [Int64], generation: Int64) -> [Int64: Entry] {
        state.withLock { state in
            guard state.generation == generation else { return [:] }
            var found: [Int64: Entry] = [:]
            for id in ids { if let entry = state.entries[id] { found[id] = entry } }
            return found
        }
    }

    func store(_ entries: [Int64: Entry], generation: Int64) {
        state.withLock { state in
            if state.generation != generation || state.entries.count + entries.count > Self.capacity {
                state = (generation, [:])
            }
            state.entries.merge(entries) { _, new in new }
        }
    }
}

extension Array {
    /// The array cut into consecutive pieces of at most `size` elements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
