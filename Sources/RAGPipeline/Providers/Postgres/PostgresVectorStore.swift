import Foundation
import Logging
import PostgresNIO

/// Retrieval from Postgres with pgvector over a direct connection (`DATABASE_URL`):
/// `ORDER BY embedding <=> $query LIMIT k` on the `documents` table of the shipped
/// migration (HNSW index, cosine distance), restricted to rows of the embedder in use.
public struct PostgresVectorStore: VectorStore {
    public let identity = ProviderIdentity.remote("postgres", "pgvector")
    private let source: any PostgresClientSource
    var client: PostgresClient { source.client }
    let logger: Logger

    /// - Parameter client: a running `PostgresClient` (its `run()` must be active), or a
    ///   ``RotatingPostgresClient`` asked for its client at each call.
    public init(client: any PostgresClientSource, logger: Logger) {
        self.source = client
        self.logger = logger
    }

    public func search(_ query: [Float], limit: Int, embeddingModel: String, call: ProviderCall) async throws -> [RetrievedDocument] {
        let provider = identity.name
        return try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                let rows = try await client.query("""
                    SELECT id, content, metadata::text, (1 - (embedding <=> \(query)::real[]::vector))::float8 AS similarity
                    FROM documents
                    WHERE metadata->>'embedding_model' = \(embeddingModel) AND embedding IS NOT NULL
                    ORDER BY embedding <=> \(query)::real[]::vector
                    LIMIT \(limit)
                    """, logger: logger)
                var documents: [RetrievedDocument] = []
                for try await (id, content, metadata, similarity) in rows.decode((Int64, String, String, Double).self) {
                    let decoded = (try? JSONDecoder().decode([String: JSONValue].self, from: Data(metadata.utf8))) ?? [:]
                    documents.append(RetrievedDocument(id: String(id), content: content, metadata: decoded, similarity: similarity))
                }
                return documents
            }
        }
    }

    public func existingHashes(_ hashes: [String], call: ProviderCall) async throws -> Set<String> {
        let provider = identity.name
        return try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                let rows = try await client.query(
                    "SELECT content_hash FROM documents WHERE content_hash = ANY(\(hashes))", logger: logger)
                var found: Set<String> = []
                for try await hash in rows.decode(String.self) { found.insert(hash) }
                return found
            }
        }
    }

    public func upsert(_ chunks: [EmbeddedChunk], call: ProviderCall) async throws -> Int {
        let provider = identity.name
        let encoder = JSONEncoder()
        let rows = try chunks.map { chunk in
            (chunk.chunk.content, String(decoding: try encoder.encode(chunk.storedMetadata), as: UTF8.self), chunk.embedding, chunk.contentHash)
        }
        var inserted = 0
        for batch in rows.chunked(into: 200) {
            inserted += try await call.run { [client, logger] _ in
                try await PostgresErrors.map(provider: provider) {
                    try await client.withTransaction(logger: logger) { connection in
                        var count = 0
                        for (content, metadata, embedding, hash) in batch {
                            let result = try await connection.query("""
                                INSERT INTO documents (content, metadata, embedding, content_hash)
                                VALUES (\(content), \(metadata)::jsonb, \(embedding)::real[]::vector, \(hash))
                                ON CONFLICT (content_hash) DO NOTHING
                                RETURNING id
                                """, logger: logger)
                            for try await _ in result.decode(Int64.self) { count += 1 }
                        }
                        return count
                    }
                }
            }
        }
        return inserted
    }

    public func removeStale(source: String, embeddingModel: String, keeping: Set<String>, call: ProviderCall) async throws -> Int {
        let provider = identity.name
        let kept = Array(keeping)
        return try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                let rows = try await client.query("""
                    DELETE FROM documents
                    WHERE metadata->>'source' = \(source) AND metadata->>'embedding_model' = \(embeddingModel)
                      AND NOT (content_hash = ANY(\(kept)))
                    RETURNING id
                    """, logger: logger)
                var removed = 0
                for try await _ in rows.decode(Int64.self) { removed += 1 }
                return removed
            }
        }
    }

    public func inventory(embeddingModel: String, call: ProviderCall) async throws -> StoreInventory {
        let provider = identity.name
        return try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                let rows = try await client.query("""
                    SELECT (metadata->>'embedding_model' IS NOT DISTINCT FROM \(embeddingModel)) AS mine,
                        count(*)::int8, count(DISTINCT metadata->>'source')::int8
                    FROM documents GROUP BY 1
                    """, logger: logger)
                var inventory = StoreInventory(embeddingModel: embeddingModel, chunks: 0, documents: 0, otherModelChunks: 0)
                for try await (mine, chunks, sources) in rows.decode((Bool, Int64, Int64).self) {
                    if mine {
                        inventory.chunks = Int(chunks)
                        inventory.documents = Int(sources)
                    } else {
                        inventory.otherModelChunks = Int(chunks)
                    }
                }
                return inventory
            }
        }
    }
}
