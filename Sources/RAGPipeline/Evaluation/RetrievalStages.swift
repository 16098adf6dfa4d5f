import Foundation
import Logging

/// The document rankings of one job at each retrieval stage of a ``ProposalPipeline``: what the
/// store returned (by similarity), after the keyword boost, and after rerank. Offline evaluation
/// scores each, so the contribution of every stage is visible.
///
/// A document is identified by its chunks' `source` (e.g. `proposals/rag-support-assistant.md`,
/// `case-studies.json#2`); it takes the best score of its chunks at each stage.
public struct RetrievalStages: Sendable {
    /// The stages scored, in pipeline order.
    public enum Stage: String, Sendable, CaseIterable, Codable {
        case retrieve
        case keywordBoost = "keyword-boost"
        case rerank
    }

    public var runs: [Stage: DocumentRun]
    /// Input tokens the embedder reported for the query, when it reports any.
    public var embeddingTokens: Int?
    /// Wall-clock time of embed, retrieve, boost and rerank together.
    public var duration: Duration

    public init(runs: [Stage: DocumentRun], embeddingTokens: Int?, duration: Duration) {
        self.runs = runs
        self.embeddingTokens = embeddingTokens
        self.duration = duration
    }
}

extension ProposalPipeline {
    /// Runs embed, retrieve, keyword boost and rerank for `job` with this pipeline's providers
    /// and settings, keeping every candidate (the pipeline keeps only the first
    /// ``Retrieval/references`` after rerank), and ranks documents at each stage.
    ///
    /// - Throws: the providers' errors, unchanged; a failed rerank is an error here, not a
    ///   degradation, since an evaluation must not silently score the boosted order as reranked.
    public func retrievalStages(for job: JobRequest, logger: Logger) async throws -> RetrievalStages {
        let clock = ContinuousClock()
        let started = clock.now
        let query = Self.queryText(job)
        let embedder = providers.embedder
        let embeddings = try await embedder.embed([query], call: .standalone(provider: embedder.identity, logger: logger))
        guard let vector = embeddings.vectors.first else {
            throw ProviderError(kind: .malformedResponse, provider: embedder.identity.name, message: "no vector returned")
        }
        let store = providers.vectorStore
        let found = try await store.search(
            vector, limit: retrieval.candidates, embeddingModel: embedder.identity.name,
            call: .standalone(provider: store.identity, logger: logger))
        let boosted = keywordBoost.apply(to: found, terms: keyTerms.extract(from: job))

        var reranked: [RankedDocument] = []
        if !boosted.isEmpty {
            let reranker = providers.reranker
            let scores = try await reranker.rerank(
                query: query, documents: boosted.map { $0.document.title + "\n" + $0.document.content }, topN: boosted.count,
                call: .standalone(provider: reranker.identity, logger: logger))
            reranked = scores.compactMap { score in
                guard boosted.indices.contains(score.index) else { return nil }
                var document = boosted[score.index]
                document.rerankScore = score.score
                return document
            }
        }
        func run(_ documents: [RankedDocument], score: (RankedDocument) -> Double) -> DocumentRun {
            DocumentRun(scores: documents.map { .init(document: $0.document.source ?? $0.document.id, score: score($0)) })
        }
        return RetrievalStages(
            runs: [
                .retrieve: run(boosted) { $0.document.similarity },
                .keywordBoost: run(boosted) { $0.score },
                .rerank: run(reranked) { $0.score },
            ],
            embeddingTokens: embeddings.inputTokens,
            duration: clock.now - started)
    }
}
