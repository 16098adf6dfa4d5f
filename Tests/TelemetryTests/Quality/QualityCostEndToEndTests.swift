import AWS
import Foundation
import Telemetry
import Testing
import TestSupport

/// Issue 14's must-show, on the real worker process (``QualityCostRun``): quality signals and
/// cost on the webhook, the spans, the ring buffer and moto's metrics; the report in three
/// formats from the ring buffer and from CloudWatch; the post-mortem.
@Suite("Quality and cost, end to end", .serialized)
struct QualityCostEndToEndTests {
    /// The default prices, written out here so the test does not read them from the code.
    static let chatInput = 0.15, chatCachedInput = 0.075, chatOutput = 0.60, embeddingInput = 0.02, rerankPerThousand = 2.0

    static func quality(_ job: QualityCostRun.Job) -> [String: Any] {
        ((job.json["analysis"] as? [String: Any])?["quality"] as? [String: Any]) ?? [:]
    }

    static func usage(_ job: QualityCostRun.Job) -> [String: Any] { job.json["usage"] as? [String: Any] ?? [:] }

    /// The job's cost from the doubles' own usage and the prices above.
    static func expectedCost(_ job: QualityCostRun.Job) -> Double {
        var cost = 0.0
        for served in job.embeddingUsage { cost += Double(served.promptTokens) * embeddingInput / 1_000_000 }
        cost += Double(job.rerankCalls) * rerankPerThousand / 1_000
        for served in job.chatUsage {
            cost += Double(served.promptTokens - served.cachedTokens) * chatInput / 1_000_000
                + Double(served.cachedTokens) * chatCachedInput / 1_000_000
                + Double(served.completionTokens) * chatOutput / 1_000_000
        }
        return cost
    }

    @Test("webhook: a draft quoting a reference scores 1; an invented project scores 0 and is listed; the N/A answer is counted")
    func webhookQuality() async throws {
        let run = try await QualityCostRun.shared()
        let quoted = Self.quality(run.quoted)
        #expect(quoted["groundedness"] as? Double == 1.0, "\(quoted)")
        #expect(quoted["claims"] as? Int == 1)
        #expect((quoted["unsupported_claims"] as? [String]) == [])
        #expect(quoted["questions_asked"] as? Int == 2 && quoted["questions_answered"] as? Int == 2)
        #expect(quoted["evaluator"] as? String == "lexical-v1")

        let invented = Self.quality(run.invented)
        #expect(invented["groundedness"] as? Double == 0.0, "\(invented)")
        #expect((invented["unsupported_claims"] as? [String]) == [QualityCostRun.inventedSentence])
        #expect(invented["questions_asked"] as? Int == 2 && invented["questions_answered"] as? Int == 1)
        #expect((invented["unanswered_questions"] as? [String]) == ["Describe a RAG system you built and how you evaluated it."])
        #expect(invented["repairs"] as? Int == 0 && invented["guard_blocks"] as? Int == 0)

        // A failed job has no proposal, so no quality signals (absent, not zero), but a usage.
        #expect(run.failed.json["status"] as? String == "failed")
        #expect(run.failed.json["analysis"] == nil || run.failed.json["analysis"] is NSNull)
    }

    @Test("tokens and cost on the webhook equal the doubles' usage priced by the default table")
    func webhookCost() async throws {
        let run = try await QualityCostRun.shared()
        for job in [run.quoted, run.invented, run.failed] {
            let usage = Self.usage(job)
            let cost = try #require(usage["cost_usd"] as? Double, "\(job.id): \(usage)")
            #expect(abs(cost - Self.expectedCost(job)) < 1e-12, "\(job.id): \(cost) vs \(Self.expectedCost(job))")
            let input = job.chatUsage.map(\.promptTokens).reduce(0, +) + job.embeddingUsage.map(\.promptTokens).reduce(0, +)
            #expect(usage["input_tokens"] as? Int == input, "\(job.id)")
            #expect(usage["output_tokens"] as? Int == job.chatUsage.map(\.completionTokens).reduce(0, +), "\(job.id)")
            #expect(usage["cached_input_tokens"] as? Int == job.chatUsage.map(\.cachedTokens).reduce(0, +), "\(job.id)")
            #expect(usage["reasoning_tokens"] as? Int == job.chatUsage.map(\.reasoningTokens).reduce(0, +), "\(job.id)")
            #expect(usage["search_units"] as? Int == job.rerankCalls, "\(job.id)")
            #expect((usage["unpriced_models"] as? [String]) == [])
        }
        #expect(!run.quoted.chatUsage.isEmpty && run.failed.chatUsage.isEmpty, "the failed job's chat call was refused before any usage")
        let calls = try #require(Self.usage(run.quoted)["calls"] as? [[String: Any]])
        #expect(calls.map { $0["operation"] as? String } == ["embeddings", "retrieval", "chat"])
        #expect(calls.map { $0["model"] as? String } == ["text-embedding-3-small", "rerank-v3.5", "gpt-4o-mini"])
    }

    @Test("spans: rag.job carries the quality signals, cost and evaluation events; model spans the GenAI names matching the double")
    func spans() async throws {
        let run = try await QualityCostRun.shared()
        let store = try RingBufferStore(path: run.dataDirectory + "/telemetry.sqlite", limits: RingBufferLimits(maxRows: 1_000_000, maxBytes: 1 << 30))
        let spans = try await store.spans(traceID: run.invented.traceID)
        let job = try #require(spans.last { $0.name == "rag.job" })
        #expect(job.attributes[SpanAttributes.groundedness] == "0")
        #expect(job.attributes[SpanAttributes.unsupportedClaims] == "1")
        #expect(job.attributes[SpanAttributes.questionsAsked] == "2" && job.attributes[SpanAttributes.questionsAnswered] == "1")
        #expect(job.lists[SpanAttributes.unsupportedClaimsText] == [QualityCostRun.inventedSentence])
        let cost = try #require(job.attributes[SpanAttributes.costUSD].flatMap(Double.init))
        #expect(abs(cost - Self.expectedCost(run.invented)) < 1e-12)
        #expect(job.events.filter { $0 == SpanAttributes.genAIEvaluationEvent }.count == 6)

        let generate = try #require(spans.first { $0.name == "rag.generate" })
        let served = try #require(run.invented.chatUsage.first)
        #expect(generate.attributes[SpanAttributes.genAIOperationName] == "chat")
        #expect(generate.attributes[SpanAttributes.genAIProviderName] == "openai")
        #expect(generate.attributes["gen_ai.system"] == nil, "the deprecated name is gone")
        #expect(generate.attributes[SpanAttributes.genAIRequestModel] == "gpt-4o-mini")
        #expect(generate.attributes[SpanAttributes.genAIResponseModel] == served.model)
        #expect(generate.attributes[SpanAttributes.genAIResponseID] == served.id)
        #expect(generate.attributes[SpanAttributes.genAIInputTokens] == String(served.promptTokens))
        #expect(generate.attributes[SpanAttributes.genAIOutputTokens] == String(served.completionTokens))
        #expect(generate.attributes[SpanAttributes.genAICacheReadInputTokens] == String(served.cachedTokens))
        #expect(generate.attributes[SpanAttributes.genAIReasoningOutputTokens] == String(served.reasoningTokens))
        let embed = try #require(spans.first { $0.name == "rag.embed" })
        #expect(embed.attributes[SpanAttributes.genAIOperationName] == "embeddings")
        let rerank = try #require(spans.first { $0.name == "rag.rerank" })
        #expect(rerank.attributes[SpanAttributes.genAIOperationName] == "retrieval")
        #expect(rerank.attributes[SpanAttributes.genAIProviderName] == "cohere")
        #expect(rerank.attributes[SpanAttributes.searchUnits] == "1")
    }

    @Test("CloudWatch Logs (moto): the rag.job span carries the signals but never the unsupported sentence")
    func exportedSpans() async throws {
        let run = try await QualityCostRun.shared()
        let moto = try await MotoServer.shared()
        let messages = try await MotoReadBack(client: moto.client(), namespace: run.namespace, endpointName: run.endpoint)
            .messages(group: run.logGroup, stream: run.logStream)
        let jobSpans = messages.filter { $0.contains("\"name\":\"rag.job\"") && $0.contains(run.invented.traceID) }
        #expect(!jobSpans.isEmpty)
        #expect(jobSpans.contains { $0.contains("\"\(SpanAttributes.groundedness)\":0") })
        #expect(!messages.contains { $0.contains("FinLedger") }, "the sentence left the instance")
    }

    @Test("moto metrics: groundedness distribution, unanswered questions, unsupported claims, job cost and tokens by model")
    func metrics() async throws {
        let run = try await QualityCostRun.shared()
        let moto = try await MotoServer.shared()
        let read = MotoReadBack(client: moto.client(), namespace: run.namespace, endpointName: run.endpoint)
        let groundedness = try await read.statistics(MetricCatalogue.proposalGroundedness)
        #expect(groundedness.count == 2 && groundedness.sum == 1 && groundedness.minimum == 0 && groundedness.maximum == 1)
        #expect(try await read.statistics(MetricCatalogue.questionsUnanswered).sum == 1)
        #expect(try await read.statistics(MetricCatalogue.questionsAsked).sum == 4)
        #expect(try await read.statistics(MetricCatalogue.unsupportedClaims).sum == 1)
        // The quality SLO (threshold 0.6): the quoting draft (1.0) is good, the inventing one (0.0)
        // is bad, the failed job is not judged; each counted once.
        #expect(try await read.statistics(MetricCatalogue.sloQualityGood).sum == 1)
        #expect(try await read.statistics(MetricCatalogue.sloQualityTotal).sum == 2)
        let cost = try await read.statistics(MetricCatalogue.jobCost)
        let webhookTotal = [run.quoted, run.invented, run.failed].map { Self.usage($0)["cost_usd"] as? Double ?? -1 }.reduce(0, +)
        #expect(cost.count == 3 && abs(cost.sum - webhookTotal) < 1e-9, "\(cost) vs \(webhookTotal)")
        let chatInput = [run.quoted, run.invented].flatMap(\.chatUsage).map(\.promptTokens).reduce(0, +)
        #expect(try await read.statistics(MetricCatalogue.inputTokens, dimensions: ["Provider": "openai:gpt-4o-mini"]).sum == Double(chatInput))
        #expect(try await read.statistics(MetricCatalogue.searchUnits, dimensions: ["Provider": "cohere:rerank-v3.5"]).sum == 3)
    }

    @Test("report from the ring buffer, Markdown, CSV and HTML: quality, cost and failures by cause of the real jobs")
    func ringBufferReport() async throws {
        let run = try await QualityCostRun.shared()
        let base = ["report", "--data-dir", run.dataDirectory, "--since", "2h"]
        let markdown = try await runWorkerCommand(base + ["--format", "markdown"], environment: [:])
        #expect(markdown.status == 0, "\(markdown.output)")
        #expect(markdown.output.contains("| Proposals assessed | 2 (2 with claims about past work) |"), "\(markdown.output)")
        #expect(markdown.output.contains("| Grounded (≥ 0.60) | 50.0% |"))
        #expect(markdown.output.contains("| Screening questions answered | 75.0% (3 of 4) |"))
        #expect(markdown.output.contains("| gpt-4o-mini | "))
        #expect(markdown.output.contains("| provider_rejected | generate | openai:gpt-4o-mini | 1 | 100.0% |"), "\(markdown.output)")
        let total = [run.quoted, run.invented, run.failed].map { Self.usage($0)["cost_usd"] as? Double ?? 0 }.reduce(0, +)
        #expect(markdown.output.contains("| Total | \(String(format: "$%.6f", total)) |"), "\(markdown.output)")

        let csv = try await runWorkerCommand(base + ["--format", "csv"], environment: [:])
        #expect(csv.output.contains("quality,groundedness,p50,"))
        #expect(csv.output.contains("quality,questions,unanswered,1"))
        #expect(csv.output.contains("cost,jobs,count,3"))
        #expect(csv.output.contains("failures,provider_rejected/generate/openai:gpt-4o-mini,count,1"))

        let html = try await runWorkerCommand(base + ["--format", "html"], environment: [:])
        #expect(html.output.contains("<h2>Quality</h2>") && html.output.contains("Proposals by groundedness"))
        #expect(html.output.contains("Model spend per day (USD)") && html.output.contains("<h2>Failures by cause</h2>"))
    }

    @Test("report from CloudWatch (moto), three formats: the fleet's quality, cost, tokens by model and failures by cause")
    func cloudWatchReport() async throws {
        let run = try await QualityCostRun.shared()
        let environment = run.environment.filter { !["RAG_DATA_DIR"].contains($0.key) }
        let base = ["report", "--source", "cloudwatch", "--endpoint", run.endpoint, "--since", "2h"]
        let markdown = try await runWorkerCommand(base + ["--format", "markdown"], environment: environment)
        #expect(markdown.status == 0, "\(markdown.output)")
        #expect(markdown.output.contains("| Proposals assessed | 2 (2 with claims about past work) |"), "\(markdown.output)")
        #expect(markdown.output.contains("| Screening questions answered | 75.0% (3 of 4) |"))
        #expect(markdown.output.contains("| Jobs priced | 3 |"))
        #expect(markdown.output.contains("| openai:gpt-4o-mini | "), "tokens by model from ListMetrics")
        #expect(markdown.output.contains("| cohere:rerank-v3.5 | 0 | 0 | 3 |"))
        #expect(markdown.output.contains("| provider_rejected | generate | openai:gpt-4o-mini | 1 | 100.0% |"), "failures from the log group")
        let csv = try await runWorkerCommand(base + ["--format", "csv"], environment: environment)
        #expect(csv.output.contains("cost,jobs,count,3") && csv.output.contains("failures,provider_rejected/generate/openai:gpt-4o-mini,count,1"))
        let html = try await runWorkerCommand(base + ["--format", "html"], environment: environment)
        #expect(html.output.contains("<h2>Quality</h2>") && html.output.contains("Groundedness of proposals"))
        #expect(html.output.contains("<h2>Failures by cause</h2>"))
    }

    @Test("postmortem: a job's quality and cost beside its timeline; --worst-grounded lists the invented one with its sentence")
    func postmortem() async throws {
        let run = try await QualityCostRun.shared()
        let one = try await runWorkerCommand(["postmortem", "--data-dir", run.dataDirectory, "--job", "quality-invented"], environment: [:])
        #expect(one.status == 0, "\(one.output)")
        #expect(one.output.contains("quality: groundedness 0.00 (0 of 1 claims supported), questions 1/2 answered"), "\(one.output)")
        #expect(one.output.contains("unsupported: \(QualityCostRun.inventedSentence)"))
        #expect(one.output.contains("cost: \(String(format: "$%.6f", Self.usage(run.invented)["cost_usd"] as? Double ?? -1))"))
        let worst = try await runWorkerCommand(
            ["postmortem", "--data-dir", run.dataDirectory, "--since", "2h", "--worst-grounded", "1"], environment: [:])
        #expect(worst.status == 0, "\(worst.output)")
        #expect(worst.output.contains("job quality-invented") && !worst.output.contains("job quality-quoted"), "\(worst.output)")
        #expect(worst.output.contains("unsupported: \(QualityCostRun.inventedSentence)"))
    }
}
