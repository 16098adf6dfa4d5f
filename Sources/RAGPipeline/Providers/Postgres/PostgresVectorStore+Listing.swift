import PostgresNIO

extension PostgresVectorStore: DocumentListing {
    public func documentSources(embeddingModel: String, call: ProviderCall) async throws -> Set<String> {
        let provider = identity.name
        return try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                let rows = try await client.query("""
                    SELECT DISTINCT metadata->>'source' FROM documents
                    WHERE metadata->>'embedding_model' = \(embeddingModel) AND metadata->>'source' IS NOT NULL
                    """, logger: logger)
                var sources: Set<String> = []
                for try await source in rows.decode(String.self) { sources.insert(source) }
                return sources
            }
        }
    }
}
