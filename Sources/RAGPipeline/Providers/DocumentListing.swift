/// A vector store that can list the documents it holds, so an evaluation set's grades can be
/// checked against them before anything runs.
public protocol DocumentListing: Sendable {
    /// The distinct `source` of the chunks embedded by `embeddingModel`.
    func documentSources(embeddingModel: String, call: ProviderCall) async throws -> Set<String>
}
