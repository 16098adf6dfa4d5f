/// Stores embedded chunks of past work and finds the nearest ones: the `retrieve` stage, and
/// `ingest`.
///
/// ``SupabaseVectorStore`` (PostgREST RPC), ``PostgresVectorStore`` (pgvector) and the
/// embedded ``SQLiteVectorStore`` (exact cosine).
public protocol VectorStore: Sendable {
    var identity: ProviderIdentity { get }

    /// The `limit` rows of `embeddingModel` nearest to `query` by cosine similarity, nearest first.
    func search(_ query: [Float], limit: Int, embeddingModel: String, call: ProviderCall) async throws -> [RetrievedDocument]

    /// Which of `hashes` are stored already (so `ingest` embeds only new chunks).
    func existingHashes(_ hashes: [String], call: ProviderCall) async throws -> Set<String>

    /// Inserts chunks whose content hash is not stored yet; returns how many were new.
    func upsert(_ chunks: [EmbeddedChunk], call: ProviderCall) async throws -> Int

    /// Deletes the rows of `source` made by `embeddingModel` whose hash is not in `keeping`
    /// (chunks of an older version of the document); returns how many were deleted.
    func removeStale(source: String, embeddingModel: String, keeping: Set<String>, call: ProviderCall) async throws -> Int

    /// How many chunks (and documents) retrieval with `embeddingModel` can find, and how many
    /// were embedded by another model.
    func inventory(embeddingModel: String, call: ProviderCall) async throws -> StoreInventory
}
