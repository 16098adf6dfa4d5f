import Foundation
import RAGPipeline
import SQLite
import Telemetry
import Testing

/// The whole flow on embedded defaults (no keys, no network), on the sample corpus and the
/// fixture jobs, as `rag-worker demo` runs it.
@Suite("Pipeline on embedded defaults")
struct EmbeddedPipelineTests {
    private static func withPipeline(_ body: @Sendable (PipelineComponents) async throws -> Void) async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let settings = PipelineSettings(dataDirectory: directory.path)
            try await PipelineFactory.withComponents(settings: settings, httpClient: CurlHTTPClientStub(), logger: TestEnvironment.logger) { components in
                _ = try await components.ingestor(logger: TestEnvironment.logger).ingestSampleCorpus()
                try await body(components)
            }
        }
    }

    @Test("each fixture job draws on the past work of its own field first")
    func relevantReferences() async throws {
        try await Self.withPipeline { components in
            let expectations = [
                "rag-chatbot": "rag", "swift-ios-rewrite": "swift", "aws-data-pipeline": "aws",
                "shopify-theme": "shopify", "minimal": "python",
            ]
            for (fixture, topic) in expectations {
                let job = try TestEnvironment.fixtureJob(fixture)
                let result = try await components.pipeline.run(job, context: StageLog().context(jobID: job.jobID))
                let top = try #require(result.references.first)
                let text = (top.title + " " + (top.source ?? "")).lowercased()
                #expect(text.contains(topic), "\(fixture): top reference was \(top.title)")
            }
        }
    }

    @Test("the result's references hold each past document once, with its best chunk's score, best first")
    func referencesOncePerDocument() async throws {
        try await Self.withPipeline { components in
            var repeatedChunksSeen = false
            for fixture in ["rag-chatbot", "swift-ios-rewrite", "aws-data-pipeline", "shopify-theme", "minimal"] {
                let job = try TestEnvironment.fixtureJob(fixture)
                let result = try await components.pipeline.run(job, context: StageLog().context(jobID: job.jobID))
                let documents = result.references.map { $0.source ?? $0.title }
                #expect(Set(documents).count == documents.count, "\(fixture): \(documents)")
                #expect(result.references.map(\.score) == result.references.map(\.score).sorted(by: >), "\(fixture)")
                // What retrieval kept: several chunks of one document, for some fixture at least.
                let store = components.providers.vectorStore
                let query = try await components.providers.embedder.embed([job.title], call: .standalone(provider: components.providers.embedder.identity, logger: TestEnvironment.logger))
                let found = try await store.search(query.vectors[0], limit: 20, embeddingModel: components.providers.embedder.identity.name,
                                                   call: .standalone(provider: store.identity, logger: TestEnvironment.logger))
                if Set(found.map { $0.source ?? $0.title }).count < found.count { repeatedChunksSeen = true }
            }
            #expect(repeatedChunksSeen, "the corpus should give some job several chunks of one document, or this test proves nothing")
        }
    }

    @Test("the extractive draft names itself, answers every screening question and scores fit in 0…100")
    func draftShape() async throws {
        try await Self.withPipeline { components in
            let job = try TestEnvironment.fixtureJob("swift-ios-rewrite")
            let log = StageLog()
            let result = try await components.pipeline.run(job, context: log.context(jobID: job.jobID))

            #expect(result.proposal.generatedBy == "extractive-drafter")
            #expect(result.proposal.text.contains("Senior Swift developer to rebuild our iOS fitness app in SwiftUI"))
            #expect(result.proposal.answers.map(\.question) == job.questions)
            #expect(result.proposal.answers.allSatisfy { !$0.answer.isEmpty })
            #expect((0...100).contains(result.analysis.fitScore))
            #expect(result.analysis.fitScore >= 50)
            #expect(result.analysis.keyRequirements.starts(with: ["Swift", "SwiftUI", "iOS", "HealthKit", "StoreKit"]))
            #expect(result.references.first?.matchedTerms.contains("SwiftUI") == true)
            #expect(result.providers["rerank"] == "bm25-reranker")
            #expect(await log.timings.count == 6)

            let sink = try #require(components.providers.resultSink as? SQLiteResultSink)
            let stored = try #require(try await sink.proposal(jobID: job.jobID))
            #expect(stored.proposal == result.proposal)
            #expect(stored.references == result.references)
        }
    }

    @Test("a minimal job with no skills or questions still gets a draft, and its risks say what is missing")
    func minimalJob() async throws {
        try await Self.withPipeline { components in
            let job = try TestEnvironment.fixtureJob("minimal")
            let result = try await components.pipeline.run(job, context: StageLog().context(jobID: job.jobID))
            #expect(result.proposal.answers.isEmpty)
            #expect(result.analysis.risks.contains("No budget stated."))
            #expect(result.analysis.risks.contains("Brief description: the scope may be unclear."))
        }
    }
}
