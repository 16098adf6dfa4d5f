import Foundation
import Logging
import Metrics
import Telemetry
import Tracing

/// The RAG pipeline: embed → retrieve → keyword-boost → rerank → generate → persist, within
/// the job's one deadline.
///
/// Each stage runs through ``StageRunner`` (span, share of the deadline, retries, timing,
/// metrics). Keyword extraction runs beside the embedding call. A failed rerank degrades the
/// job (it continues on the keyword-boosted order and says so in ``ProposalResult/degraded``),
/// as does a draft delivered with screening questions left unanswered; any other failed stage
/// ends the job with a ``PipelineError``. The result is checked by ``OutputGuard`` before
/// anything is persisted or returned; then its quality is assessed (``ProposalQualityEvaluator``,
/// in process) and kept in `analysis.quality`.
public struct ProposalPipeline: JobPipeline {
    /// The providers of the stages.
    public struct Providers: Sendable {
        public var embedder: any Embedder
        public var vectorStore: any VectorStore
        public var reranker: any Reranker
        public var generator: any Generator
        public var resultSink: any ResultSink

        public init(embedder: any Embedder, vectorStore: any VectorStore, reranker: any Reranker,
                    generator: any Generator, resultSink: any ResultSink) {
            self.embedder = embedder
            self.vectorStore = vectorStore
            self.reranker = reranker
            self.generator = generator
            self.resultSink = resultSink
        }
    }

    /// Retrieval and ranking sizes.
    public struct Retrieval: Sendable, Equatable {
        /// Candidates fetched from the store, boosted and sent to the reranker (default 20).
        public var candidates: Int
        /// References kept for generation and the result (default 5).
        public var references: Int

        public init(candidates: Int = 20, references: Int = 5) {
            self.candidates = max(1, candidates)
            self.references = max(1, min(references, self.candidates))
        }
    }

    public let providers: Providers
    public let retrieval: Retrieval
    public let keyTerms: KeyTermExtractor
    public let keywordBoost: KeywordBoost
    public let outputGuard: OutputGuard
    /// Judges each delivered proposal (``LexicalQualityEvaluator`` by default).
    public let quality: any ProposalQualityEvaluator
    private let runner: StageRunner
    private let instruments: PipelineInstruments
    private static let keywordBoostIdentity = ProviderIdentity.local("keyword-boost")

    /// - Parameters:
    ///   - tracer: spans of every stage (`rag.<stage>`), children of the task's current span.
    ///   - metrics: the factory for `StageLatency`, `ProviderErrors`, the token metrics and the
    ///     quality metrics.
    ///   - quality: the evaluator of each proposal's quality signals.
    public init(
        providers: Providers,
        retrieval: Retrieval = Retrieval(),
        keyTerms: KeyTermExtractor = KeyTermExtractor(),
        keywordBoost: KeywordBoost = KeywordBoost(),
        timeouts: StageTimeouts = .default,
        retry: RetryPolicy = RetryPolicy(),
        outputGuard: OutputGuard,
        quality: any ProposalQualityEvaluator = LexicalQualityEvaluator(),
        tracer: any Tracer,
        metrics: any MetricsFactory
    ) {
        self.providers = providers
        self.retrieval = retrieval
        self.keyTerms = keyTerms
        self.keywordBoost = keywordBoost
        self.outputGuard = outputGuard
        self.quality = quality
        let instruments = PipelineInstruments(factory: metrics)
        self.instruments = instruments
        self.runner = StageRunner(tracer: tracer, instruments: instruments, timeouts: timeouts, retry: retry)
    }

    /// Which provider serves each stage, keyed by the stage's name (as in the result).
    public var providerNames: [String: String] {
        [
            PipelineStage.embed.rawValue: providers.embedder.identity.name,
            PipelineStage.retrieve.rawValue: providers.vectorStore.identity.name,
            PipelineStage.keywordBoost.rawValue: Self.keywordBoostIdentity.name,
            PipelineStage.rerank.rawValue: providers.reranker.identity.name,
            PipelineStage.generate.rawValue: providers.generator.identity.name,
            PipelineStage.persist.rawValue: providers.resultSink.identity.name,
        ]
    }

    public func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        let embedder = providers.embedder
        let query = Self.queryText(job)

        // Keyword extraction needs only the job: it runs while the embedding call is out.
        async let extractedTerms = keyTerms.extract(from: job)
        let embedding = try await runner.run(.embed, provider: embedder.identity, context: context) { call in
            let embeddings = try await embedder.embed([query], call: call)
            guard let vector = embeddings.vectors.first else {
                throw ProviderError(kind: .malformedResponse, provider: embedder.identity.name, message: "no vector returned")
            }
            return .init(value: vector, usage: embeddings.inputTokens.map { TokenUsage(inputTokens: $0, outputTokens: 0) })
        }
        let terms = await extractedTerms

        let store = providers.vectorStore
        let candidates = retrieval.candidates
        let documents = try await runner.run(.retrieve, provider: store.identity, context: context) { call in
            let found = try await store.search(embedding, limit: candidates, embeddingModel: embedder.identity.name, call: call)
            return .init(value: found, items: found.count)
        }

        let boost = keywordBoost
        let boosted = try await runner.run(.keywordBoost, provider: Self.keywordBoostIdentity, context: context) { _ in
            let ranked = boost.apply(to: documents, terms: terms)
            return .init(value: ranked, items: ranked.filter { $0.keywordBoost > 0 }.count)
        }

        var degraded: [String] = []
        var degradedStages: [PipelineStage] = []
        if documents.isEmpty {
            // A nearest-neighbour search returns rows whenever the store holds any for this model.
            degraded.append(Self.emptyStoreNote(store: store.identity.name, embeddingModel: embedder.identity.name))
            degradedStages.append(.retrieve)
            instruments.degraded(.retrieve)
        }
        let references: [RankedDocument]
        do {
            references = try await rerank(boosted, query: query, context: context)
        } catch let failure as PipelineError {
            context.logger.warning("rerank failed, continuing on the keyword-boosted order", metadata: ["error": "\(failure)"])
            degraded.append(Self.rerankNote(failure))
            degradedStages.append(.rerank)
            instruments.degraded(.rerank)
            references = Array(boosted.prefix(retrieval.references))
        }

        let generated = try await generate(job, references: references, terms: terms, degraded: degraded, context: context)
        var result = generated.result
        if result.degraded.count > degraded.count {
            // The generator delivered with questions it could not answer.
            degradedStages.append(.generate)
            instruments.degraded(.generate)
        }
        result.analysis.quality = await assess(
            result, job: job, references: references, repaired: generated.repaired, degradedStages: degradedStages, context: context)
        let sink = providers.resultSink
        let record = ProposalRecord(jobID: job.jobID, traceID: context.traceID, title: job.title, result: result, createdAt: Date())
        try await runner.run(.persist, provider: sink.identity, context: context) { call in
            try await sink.persist(record, call: call)
            return .init(value: ())
        }
        // Counted once the proposal is stored, like every metric of a delivered proposal.
        if let quality = result.analysis.quality {
            instruments.quality(quality)
        } else {
            instruments.questionsUnanswered(result.proposal.answers.filter { !$0.answered }.count)
        }
        return result
    }

    /// The proposal's quality signals; nil (logged) when the evaluator fails, which never fails the
    /// job. Their metrics are recorded by the caller once the proposal is persisted.
    private func assess(
        _ result: ProposalResult, job: JobRequest, references: [RankedDocument], repaired: Bool,
        degradedStages: [PipelineStage], context: JobContext
    ) async -> QualitySignals? {
        let input = ProposalQualityInput(
            proposal: result.proposal.text, answers: result.proposal.answers, questions: job.questions,
            references: references.map(ReferenceIndex.init))
        do {
            let assessment = try await quality.evaluate(input)
            let signals = QualitySignals(
                assessment: assessment, repairs: repaired ? 1 : 0, degradedStages: degradedStages.map(\.rawValue))
            return signals
        } catch {
            context.logger.warning("quality evaluation failed; the job goes on without quality signals", metadata: [
                "evaluator": "\(quality.name)", "error": "\(error)",
            ])
            return nil
        }
    }

    private func rerank(_ boosted: [RankedDocument], query: String, context: JobContext) async throws -> [RankedDocument] {
        let reranker = providers.reranker
        let keep = retrieval.references
        return try await runner.run(.rerank, provider: reranker.identity, context: context, failureOutcome: "degraded") { call in
            guard !boosted.isEmpty else { return .init(value: [], outcome: "skipped", items: 0) }
            let texts = boosted.map { $0.document.title + "\n" + $0.document.content }
            let scores = try await reranker.rerank(query: query, documents: texts, topN: texts.count, call: call)
            let reranked = scores.compactMap { score -> RankedDocument? in
                guard boosted.indices.contains(score.index) else { return nil }
                var document = boosted[score.index]
                document.rerankScore = score.score
                return document
            }
            return .init(value: Array(KeywordBoost.sorted(reranked).prefix(keep)), items: reranked.count)
        }
    }

    /// The checked draft and whether it needed a schema repair. Counts `ModelRepairs` (a
    /// repaired draft, or one still invalid after its repair) and `GuardBlocks`.
    private func generate(
        _ job: JobRequest, references: [RankedDocument], terms: [KeyTerm], degraded: [String], context: JobContext
    ) async throws -> (result: ProposalResult, repaired: Bool) {
        let generator = providers.generator
        let names = providerNames
        let outputGuard = self.outputGuard
        let generated: (result: ProposalResult, repaired: Bool)
        do {
            generated = try await runner.run(.generate, provider: generator.identity, context: context) { call in
                let draft = try await generator.generate(GenerationRequest(job: job, references: references, keyTerms: terms), call: call)
                // The generator saw every chunk; the result lists each piece of past work once.
                let result = ProposalResult(
                    proposal: draft.proposal, analysis: draft.analysis, references: references.bestChunkPerDocument().map(\.reference),
                    providers: names, degraded: degraded + draft.degraded
                )
                try outputGuard.check(result, provider: generator.identity.name)
                let outcome = !draft.degraded.isEmpty ? "degraded" : draft.repaired ? "repaired" : "ok"
                return .init(value: (result, draft.repaired), outcome: outcome, usage: draft.usage)
            }
        } catch let failure as PipelineError {
            if failure.code == .unsafeOutput { instruments.guardBlocked() }
            if failure.code == .invalidModelOutput { instruments.repaired() }
            throw failure
        }
        if generated.repaired { instruments.repaired() }
        return generated
    }

    /// The text embedded and reranked against: title, skills and the start of the description.
    static func queryText(_ job: JobRequest) -> String {
        var parts = [job.title]
        if !job.skills.isEmpty { parts.append(job.skills.joined(separator: ", ")) }
        parts.append(String(job.description.prefix(4_000)))
        return parts.joined(separator: "\n")
    }

    static func emptyStoreNote(store: String, embeddingModel: String) -> String {
        "retrieve: \(store) holds no past work embedded with \(embeddingModel), so the draft cites none; "
            + "fill the store with `rag-worker ingest` using the worker's configuration"
    }

    static func rerankNote(_ failure: PipelineError) -> String {
        var note = "rerank: \(failure.provider ?? "reranker") failed (\(failure.code.rawValue)"
        if let status = failure.status { note += ", HTTP \(status)" }
        note += ", \(failure.attempts) attempt\(failure.attempts == 1 ? "" : "s")); kept the keyword-boosted similarity order"
        return note
    }
}
