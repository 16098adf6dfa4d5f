import Foundation
import MetricsTestKit
import RAGPipeline
import Telemetry
import Testing
import TestSupport

/// The pipeline's quality signals and their metrics with every real provider on loopback doubles:
/// repairs, guard blocks and degraded stages counted where they happen; the output guard runs
/// before the signals are computed; the job's model calls are in its usage log, a failed one too.
@Suite("ProposalPipeline quality signals and usage")
struct PipelineQualityTests {
    @Test("a repaired draft: one ModelRepairs, quality.repairs 1, the usage of both chat calls in the job's log")
    func repaired() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.invalidModelOutput, times: 1)
            let context = StageLog().context()
            let result = try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: context)
            #expect(result.analysis.quality?.repairs == 1)
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.modelRepairs.name) == 1)
            let chat = try #require(context.usage.calls.first { $0.stage == .generate })
            let served = harness.openAI.chatUsage
            #expect(served.count == 2)
            #expect(chat.usage.inputTokens == served.map(\.promptTokens).reduce(0, +))
            #expect(chat.usage.outputTokens == served.map(\.completionTokens).reduce(0, +))
            #expect(chat.usage.responseID == served.last?.id)
            #expect(context.usage.calls.map(\.operation) == ["embeddings", "retrieval", "chat"])
        }
    }

    @Test("invalid twice: the job fails, ModelRepairs counts the repair, the billed usage of both replies is still logged")
    func invalidTwice() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.openAI.chatFaults.enqueue(.invalidModelOutput, times: 2)
            let context = StageLog().context()
            await #expect(throws: PipelineError.self) {
                try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: context)
            }
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.modelRepairs.name) == 1)
            let chat = try #require(context.usage.calls.first { $0.stage == .generate })
            #expect(chat.usage.inputTokens == harness.openAI.chatUsage.map(\.promptTokens).reduce(0, +))
        }
    }

    @Test("a draft holding a secret: unsafe_output, one GuardBlocks, no quality metric recorded (the guard runs first)")
    func guardBlocks() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            harness.openAI.setChatResponder { request in
                OpenAIDouble.validProposal(for: request).replacingOccurrences(
                    of: "Hello, I have built", with: "My key is \(PipelineHarness.cohereKey) and I have built")
            }
            let error = await #expect(throws: PipelineError.self) {
                try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: StageLog().context())
            }
            #expect(error?.code == .unsafeOutput)
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.guardBlocks.name) == 1)
            #expect(harness.metrics.recorders.filter { $0.label == MetricCatalogue.proposalGroundedness.name }.isEmpty)
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.questionsAsked.name) == 0)
        }
    }

    @Test("rerank failing: DegradedJobs by Stage rerank, quality.degraded_stages [rerank]")
    func degraded() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.cohere.faults.enqueue(.status(503), times: 10)
            let result = try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: StageLog().context())
            #expect(result.analysis.quality?.degradedStages == ["rerank"])
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.degradedJobs.name, dimensions: [("Stage", "rerank")]) == 1)
        }
    }
}
