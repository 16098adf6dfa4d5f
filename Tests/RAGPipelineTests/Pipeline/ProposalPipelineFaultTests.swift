import Foundation
import MetricsTestKit
import RAGPipeline
import Telemetry
import Testing
import TestSupport

/// Faults injected by the doubles lead to the specified retry, degrade or fail behaviour,
/// always within the job's deadline.
@Suite("ProposalPipeline under provider faults")
struct ProposalPipelineFaultTests {
    /// Stage budgets of a few seconds with 1 s attempts, so time-outs show quickly.
    static let shortTimeouts = StageTimeouts(
        budgets: [.embed: .seconds(3), .retrieve: .seconds(3), .keywordBoost: .seconds(1), .rerank: .seconds(3),
                  .generate: .seconds(4), .persist: .seconds(3)],
        attemptLimits: [.embed: .seconds(1), .retrieve: .seconds(1), .keywordBoost: .seconds(1), .rerank: .seconds(1),
                        .generate: .seconds(1), .persist: .seconds(1)]
    )

    private static func pipeline(_ harness: PipelineHarness, timeouts: StageTimeouts = .default) throws -> ProposalPipeline {
        ProposalPipeline(
            providers: try harness.remoteProviders(), timeouts: timeouts, retry: PipelineHarness.fastRetry,
            outputGuard: OutputGuard(secretValues: { [] }), tracer: harness.tracer, metrics: harness.metrics
        )
    }

    @Test("429 with Retry-After: 1 on embeddings waits at least that long, then the job succeeds")
    func throttledThenOK() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.embeddings.removeAll()
            await harness.openAI.embeddingFaults.enqueue(.status(429, retryAfter: "1"))
            let log = StageLog()
            _ = try await Self.pipeline(harness).run(TestEnvironment.job(), context: log.context())

            let requests = await harness.openAI.embeddings.requests
            #expect(requests.count == 2)
            #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 0.95)
            #expect(await log.timing(.embed)?.attempts == 2)
            #expect(await log.timing(.embed)?.outcome == "ok")
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.providerErrors.name, dimensions: [("Provider", "openai")]) == 1)
        }
    }

    @Test("two 500s from chat completions are retried with backoff and the third attempt is used")
    func serverErrorsRetried() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.status(500), times: 2)
            let log = StageLog()
            let result = try await Self.pipeline(harness).run(TestEnvironment.job(), context: log.context())

            #expect(result.proposal.generatedBy == "openai:gpt-4o-mini")
            #expect(await log.timing(.generate)?.attempts == 3)
            #expect(await harness.openAI.chat.count == 3)
        }
    }

    @Test("malformed JSON and a dropped connection are retried like transient failures")
    func malformedAndDropped() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.embeddingFaults.enqueue(.malformedJSON)
            await harness.cohere.faults.enqueue(.dropConnection)
            let log = StageLog()
            _ = try await Self.pipeline(harness).run(TestEnvironment.job(), context: log.context())

            #expect(await log.timing(.embed)?.attempts == 2)
            #expect(await log.timing(.rerank)?.attempts == 2)
            #expect(await log.timing(.rerank)?.outcome == "ok")
        }
    }

    @Test("an answer slower than the attempt limit is abandoned and retried within the stage's budget")
    func slowAnswerRetried() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.delay(.seconds(2)))
            let log = StageLog()
            let started = ContinuousClock.now
            _ = try await Self.pipeline(harness, timeouts: Self.shortTimeouts).run(TestEnvironment.job(), context: log.context(deadline: .seconds(20)))

            let generate = try #require(await log.timing(.generate))
            #expect(generate.attempts == 2)
            #expect(generate.milliseconds >= 1000 && generate.milliseconds < 4000)
            #expect(ContinuousClock.now - started < .seconds(8))
        }
    }

    @Test("answers that stay slow fail the job with provider_unavailable when the stage's budget ends")
    func slowAnswersFailAtStageBudget() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.delay(.seconds(2)), times: 10)
            let log = StageLog()
            let started = ContinuousClock.now
            let error = await #expect(throws: PipelineError.self) {
                try await Self.pipeline(harness, timeouts: Self.shortTimeouts).run(TestEnvironment.job(), context: log.context(deadline: .seconds(20)))
            }
            let elapsed = ContinuousClock.now - started
            #expect(error?.code == .providerUnavailable)
            #expect(error?.stage == .generate)
            #expect((error?.attempts ?? 0) >= 3)
            #expect(elapsed < .seconds(8), "the 4 s generate budget bounds the failure, not the 20 s deadline")
            #expect(await log.timing(.generate)?.outcome == "failed")
            #expect(await log.timing(.persist) == nil)
        }
    }

    @Test("a job deadline shorter than the stage budgets shrinks them and ends the job with deadline_exceeded, on time")
    func deadlineExceeded() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.delay(.seconds(4)), times: 10)
            let started = ContinuousClock.now
            // 6 s for stages whose budgets add up to 17 s: every stage gets about a third of its budget.
            let error = await #expect(throws: PipelineError.self) {
                try await Self.pipeline(harness, timeouts: Self.shortTimeouts).run(TestEnvironment.job(), context: StageLog().context(deadline: .seconds(6)))
            }
            let elapsed = ContinuousClock.now - started
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.stage == .generate)
            // The deadline, plus room for a loaded machine: an attempt not cut at its 1 s limit
            // would wait out the 4 s answers, and the job would end well past 8 s.
            #expect(elapsed < .seconds(8), "the job ends by its 6 s deadline, leaving persist its share")
        }
    }

    @Test("a Retry-After longer than the time left fails at once instead of waiting or retrying early")
    func retryAfterBeyondBudget() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.status(429, retryAfter: "30"))
            let started = ContinuousClock.now
            let error = await #expect(throws: PipelineError.self) {
                try await Self.pipeline(harness, timeouts: Self.shortTimeouts).run(TestEnvironment.job(), context: StageLog().context(deadline: .seconds(20)))
            }
            #expect(error?.code == .providerUnavailable)
            #expect(error?.status == 429)
            #expect(error?.attempts == 1)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(await harness.openAI.chat.count == 1)
        }
    }

    @Test("a 400 from embeddings is not retried and fails the job with provider_rejected")
    func rejectedNotRetried() async throws {
        try await PipelineHarness.run { harness in
            await harness.openAI.embeddingFaults.enqueue(.status(400))
            let error = await #expect(throws: PipelineError.self) {
                try await Self.pipeline(harness).run(TestEnvironment.job(), context: StageLog().context())
            }
            #expect(error?.code == .providerRejected)
            #expect(error?.stage == .embed)
            #expect(error?.status == 400)
            #expect(error?.attempts == 1)
            #expect(await harness.openAI.embeddings.count == 1)
        }
    }

    @Test("model output invalid twice fails the job with invalid_model_output at generate")
    func invalidModelOutput() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.invalidModelOutput, times: 2)
            let log = StageLog()
            let error = await #expect(throws: PipelineError.self) {
                try await Self.pipeline(harness).run(TestEnvironment.job(), context: log.context())
            }
            #expect(error?.code == .invalidModelOutput)
            #expect(error?.stage == .generate)
            #expect(await log.timing(.generate)?.attempts == 2)
            #expect(harness.postgREST.proposalCount == 0)
        }
    }

    @Test("when rerank keeps failing the job continues on the keyword-boosted order and says so")
    func rerankDegrades() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.cohere.faults.enqueue(.status(503), times: 10)
            let log = StageLog()
            let result = try await Self.pipeline(harness).run(TestEnvironment.job(), context: log.context())

            #expect(result.degraded == [
                "rerank: cohere:rerank-v3.5 failed (provider_unavailable, HTTP 503, 4 attempts); kept the keyword-boosted similarity order",
            ])
            // The five best boosted chunks, each document once (its best chunk).
            #expect((1...5).contains(result.references.count))
            #expect(Set(result.references.map { $0.source ?? $0.title }).count == result.references.count)
            #expect(result.references.allSatisfy { $0.rerankScore == nil })
            #expect(result.references.allSatisfy { abs($0.score - ($0.similarity + $0.keywordBoost)) < 1e-9 })
            #expect(result.references.map(\.score) == result.references.map(\.score).sorted(by: >))
            #expect(await log.timing(.rerank)?.outcome == "degraded")
            #expect(await log.timing(.persist)?.outcome == "ok")
            #expect(harness.postgREST.proposal(jobID: "job-1") != nil)
        }
    }

    @Test("a result sink that keeps failing ends the job with store_unavailable at persist")
    func persistFails() async throws {
        try await PipelineHarness.run { harness in
            try await TestEnvironment.withTemporaryDirectory { directory in
                let database = try SQLiteDatabaseFactory.open(directory)
                let store = try await SQLiteVectorStore(database: database)
                let embedder = LexicalEmbedder()
                _ = try await Ingestor(embedder: embedder, store: store, logger: TestEnvironment.logger).ingestSampleCorpus()
                await harness.postgREST.faults.enqueue(.status(503), times: 10)
                let providers = ProposalPipeline.Providers(
                    embedder: embedder, vectorStore: store, reranker: LexicalReranker(), generator: ExtractiveDrafter(),
                    resultSink: harness.supabaseSink)
                let pipeline = ProposalPipeline(providers: providers, retry: PipelineHarness.fastRetry, outputGuard: OutputGuard { [] },
                                                tracer: harness.tracer, metrics: harness.metrics)
                let error = await #expect(throws: PipelineError.self) {
                    try await pipeline.run(TestEnvironment.job(), context: StageLog().context())
                }
                #expect(error?.code == .storeUnavailable)
                #expect(error?.stage == .persist)
                #expect(error?.status == 503)
                #expect(error?.attempts == 4)
            }
        }
    }
}
