/// Orders candidate documents by relevance to the job: the `rerank` stage.
///
/// ``CohereReranker`` in production, ``LexicalReranker`` (BM25) as the embedded default.
/// When it fails, the pipeline keeps the keyword-boosted order and reports the job degraded.
public protocol Reranker: Sendable {
    var identity: ProviderIdentity { get }

    /// Relevance of each of `documents` to `query`, best first, at most `topN` entries.
    func rerank(query: String, documents: [String], topN: Int, call: ProviderCall) async throws -> [RerankScore]
}

/// One document's relevance.
public struct RerankScore: Sendable, Equatable {
    /// Position of the document in the list passed to ``Reranker/rerank(query:documents:topN:call:)``.
    public var index: Int
    /// 0…1, higher is more relevant.
    public var score: Double

    public init(index: Int, score: Double) {
        self.index = index
        self.score = score
    }
}
