import Foundation
import InMemoryTracing
import MetricsTestKit
import RAGPipeline
import Telemetry
import Testing
import TestSupport
import Tracing

@Suite("ProposalPipeline with every real provider on loopback doubles")
struct ProposalPipelineTests {
    @Test("a job runs through all six stages, is persisted, and every stage reports provider, attempts and outcome")
    func happyPath() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            let job = try TestEnvironment.fixtureJob("rag-chatbot")
            let log = StageLog()
            let result = try await harness.pipeline(try harness.remoteProviders()).run(job, context: log.context(jobID: job.jobID))

            #expect(result.providers == [
                "embed": "openai:text-embedding-3-small", "retrieve": "supabase:match_documents",
                "keyword-boost": "keyword-boost", "rerank": "cohere:rerank-v3.5",
                "generate": "openai:gpt-4o-mini", "persist": "supabase:proposals",
            ])
            #expect(result.degraded.isEmpty)
            #expect(result.references.count == 5)
            #expect(result.references.map(\.score) == result.references.map(\.score).sorted(by: >))
            #expect(result.references.allSatisfy { $0.rerankScore != nil })
            #expect(result.proposal.answers.map(\.question) == job.questions)

            let timings = await log.timings
            #expect(timings.map(\.stage) == [.embed, .retrieve, .keywordBoost, .rerank, .generate, .persist])
            #expect(timings.allSatisfy { $0.attempts == 1 && $0.outcome == "ok" })
            #expect(timings.map(\.provider) == ["openai:text-embedding-3-small", "supabase:match_documents", "keyword-boost",
                                                "cohere:rerank-v3.5", "openai:gpt-4o-mini", "supabase:proposals"])

            let stored = try #require(harness.postgREST.proposal(jobID: job.jobID))
            #expect(stored["generated_by"] as? String == "openai:gpt-4o-mini")
            #expect(stored["trace_id"] as? String == "trace-\(job.jobID)")
            #expect((stored["references"] as? [Any])?.count == 5)
        }
    }

    @Test("retrieve and rerank requests have the documented PostgREST and Cohere shapes and headers")
    func wireShapes() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            await harness.postgREST.requests.removeAll()
            _ = try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: StageLog().context())

            let requests = await harness.postgREST.requests.requests
            let rpc = try #require(requests.first { $0.path == "/rest/v1/rpc/match_documents" })
            #expect(rpc.method == "POST")
            #expect(rpc.header("apikey") == PipelineHarness.supabaseKey)
            #expect(rpc.header("Authorization") == "Bearer \(PipelineHarness.supabaseKey)")
            #expect(rpc.header("Content-Type") == "application/json")
            let body = try #require(rpc.jsonObject)
            #expect((body["query_embedding"] as? [Double])?.count == 1536)
            #expect(body["match_count"] as? Int == 20)
            #expect(body["filter"] as? [String: String] == ["embedding_model": "openai:text-embedding-3-small"])

            let insert = try #require(requests.first { $0.path == "/rest/v1/proposals" })
            #expect(insert.method == "POST")
            #expect(insert.header("Prefer") == "resolution=merge-duplicates,return=minimal")
            #expect(insert.header("apikey") == PipelineHarness.supabaseKey)
            let rows = try #require(try JSONSerialization.jsonObject(with: insert.body) as? [[String: Any]])
            #expect(rows.first?["job_id"] as? String == "job-1")

            let rerank = try #require(await harness.cohere.requests.requests.first)
            #expect(rerank.path == "/v2/rerank")
            #expect(rerank.header("Authorization") == "Bearer \(PipelineHarness.cohereKey)")
            let rerankBody = try #require(rerank.jsonObject)
            #expect(rerankBody["model"] as? String == "rerank-v3.5")
            #expect((rerankBody["query"] as? String)?.hasPrefix("Build a RAG chatbot") == true)
            #expect((rerankBody["documents"] as? [String])?.count == 20)
            #expect(rerankBody["top_n"] as? Int == 20)
        }
    }

    @Test("each stage is a span with the catalogue's attributes, each remote call a client span under it, and metrics use catalogue names and dimensions")
    func telemetry() async throws {
        try await PipelineHarness.run { harness in
            try await harness.seedCorpus()
            _ = try await harness.pipeline(try harness.remoteProviders()).run(TestEnvironment.job(), context: StageLog().context())

            let spans = harness.tracer.finishedSpans
            let stages = spans.filter { $0.operationName.hasPrefix("rag.") }
            #expect(stages.map(\.operationName) == ["rag.embed", "rag.retrieve", "rag.keyword-boost", "rag.rerank", "rag.generate", "rag.persist"])
            // Model calls are named as the GenAI conventions name them; the keyword boost calls nothing.
            let calls = spans.filter { !$0.operationName.hasPrefix("rag.") }
            #expect(calls.map(\.operationName) == ["embeddings text-embedding-3-small", "supabase match_documents", "retrieval rerank-v3.5",
                                                   "chat gpt-4o-mini", "supabase proposals"])
            #expect(calls.allSatisfy { $0.kind == .client })
            #expect(stages.allSatisfy { $0.kind == .internal })
            let chat = try #require(calls.first { $0.operationName == "chat gpt-4o-mini" })
            #expect(chat.attributes.get(Telemetry.SpanAttributes.genAIOperationName) == .string("chat"))
            #expect(chat.attributes.get(Telemetry.SpanAttributes.genAIProviderName) == .string("openai"))
            let generate = try #require(spans.first { $0.operationName == "rag.generate" })
            #expect(generate.attributes.get(Telemetry.SpanAttributes.stage) == .string("generate"))
            #expect(generate.attributes.get(Telemetry.SpanAttributes.provider) == .string("openai:gpt-4o-mini"))
            #expect(generate.attributes.get(Telemetry.SpanAttributes.genAIRequestModel) == .string("gpt-4o-mini"))
            #expect(generate.attributes.get(Telemetry.SpanAttributes.attempts) == .int64(1))
            #expect(generate.attributes.get(Telemetry.SpanAttributes.outcome) == .string("ok"))
            #expect(generate.attributes.get(Telemetry.SpanAttributes.jobID) == .string("job-1"))
            if case .int64(let tokens)? = generate.attributes.get(Telemetry.SpanAttributes.genAIInputTokens) {
                #expect(tokens > 0)
            } else {
                Issue.record("gen_ai.usage.input_tokens missing")
            }

            for stage in StageTimeouts.pipelineStages {
                let timer = try harness.metrics.expectTimer(MetricCatalogue.stageLatency.name, [("Stage", stage.rawValue)])
                #expect(timer.values.count == 1, "one StageLatency value for \(stage.rawValue)")
            }
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.tokensUsed.name, dimensions: [("Provider", "openai")]) > 0)
            #expect(harness.metrics.counterTotal(label: MetricCatalogue.providerErrors.name) == 0)
        }
    }
}
