import SQLite

extension SQLiteVectorStore: DocumentListing {
    public func documentSources(embeddingModel: String, call: ProviderCall) async throws -> Set<String> {
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await Self.mapErrors(provider: provider) {
                try await database.read(timeout: timeout) { connection in
                    let rows = try connection.query(
                        "SELECT DISTINCT source FROM documents WHERE embedding_model = ?", [embeddingModel])
                    return Set(rows.compactMap { $0.string("source") })
                }
            }
        }
    }
}
