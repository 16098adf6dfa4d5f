import Foundation
import Logging
import Metrics
import RAGPipeline
import Tracing

/// The work of `rag-worker eval` once the pipeline is built: checks the store and the set, then
/// runs every job (see ``EvalCommand``).
struct EvalRunner: Sendable {
    /// The set's directory.
    var set: String
    var cutoffs: [Int]
    /// `--stages all`: also generate and score each proposal.
    var draftProposals: Bool
    var prices: PriceTable

    /// Why nothing was evaluated.
    enum Failure: Error {
        case badSet(EvalSetError)
        case emptyStore(String)
    }

    /// Loads and checks the set against the store, then runs every job. Nothing runs when the set
    /// or the store is unusable.
    func evaluate(_ components: PipelineComponents, logger: Logger) async throws -> (EvalResult, [EvalCase]) {
        let inventory = try await components.storeInventory(logger: logger)
        let embedder = components.providers.embedder
        let store = components.providers.vectorStore
        if inventory.isEmpty {
            throw Failure.emptyStore("""
                the store (\(store.identity.name)) holds no past work embedded with \(inventory.embeddingModel): \
                there is nothing to evaluate. Fill it first with this configuration: \
                rag-worker ingest --sample (the bundled corpus the set is graded against) or rag-worker ingest PATH…
                """)
        }
        var stored: Set<String>?
        if let listing = store as? any DocumentListing {
            stored = try await listing.documentSources(
                embeddingModel: embedder.identity.name, call: .standalone(provider: store.identity, logger: logger))
        }
        let cases: [EvalCase]
        do {
            cases = try EvalSet.load(directory: URL(fileURLWithPath: set), storedDocuments: stored)
        } catch let error as EvalSetError {
            throw Failure.badSet(error)
        }

        let pipeline = components.pipeline
        let drafting = draftProposals ? Self.discardingCopy(of: pipeline) : nil
        var jobs: [EvalResult.Job] = []
        for (index, evalCase) in cases.enumerated() {
            progress("eval: [\(index + 1)/\(cases.count)] \(evalCase.job.jobID)")
            let ranked = try await pipeline.retrievalStages(for: evalCase.job, logger: logger)
            var job = EvalResult.job(evalCase, stages: ranked, cutoffs: cutoffs)
            if let drafting {
                job.proposal = try await Self.proposal(for: evalCase, pipeline: drafting, prices: prices, logger: logger)
            }
            jobs.append(job)
        }
        progress(nil)
        let result = EvalResult(
            set: set, cutoffs: cutoffs, providers: components.summary, jobs: jobs, mean: EvalResult.means(jobs),
            proposalMean: drafting == nil ? nil : ProposalScores.means(jobs))
        return (result, cases)
    }

    /// The pipeline with its `persist` stage discarding: evaluation drafts never reach the sink.
    static func discardingCopy(of pipeline: ProposalPipeline) -> ProposalPipeline {
        var providers = pipeline.providers
        providers.resultSink = DiscardingResultSink()
        return ProposalPipeline(
            providers: providers, retrieval: pipeline.retrieval, keyTerms: pipeline.keyTerms, keywordBoost: pipeline.keywordBoost,
            outputGuard: pipeline.outputGuard, quality: pipeline.quality, tracer: NoOpTracer(), metrics: NOOPMetricsHandler.instance)
    }

    /// Generates the job's proposal through the whole pipeline and scores it.
    static func proposal(for evalCase: EvalCase, pipeline: ProposalPipeline, prices: PriceTable, logger: Logger) async throws -> ProposalScores {
        let context = JobContext(jobID: evalCase.job.jobID, traceID: "eval", deadline: .now + .seconds(110), logger: logger) { _ in }
        let cost = { prices.cost(of: context.usage.calls) }
        do {
            let result = try await pipeline.run(evalCase.job, context: context)
            return ProposalScores(result: result, facts: evalCase.facts, cost: cost())
        } catch let failure as PipelineError where failure.code == .unsafeOutput {
            return ProposalScores(guardBlockedWith: cost())
        }
    }

    /// One progress line on standard error: rewritten in place on a terminal, one line per job otherwise.
    private func progress(_ line: String?) {
        let terminal = isatty(STDERR_FILENO) != 0
        let text: String? = switch (terminal, line) {
        case (true, let line?): "\r\u{1B}[K" + line
        case (true, nil): "\r\u{1B}[K"
        case (false, let line?): line + "\n"
        case (false, nil): nil
        }
        if let text { FileHandle.standardError.write(Data(text.utf8)) }
    }

}
