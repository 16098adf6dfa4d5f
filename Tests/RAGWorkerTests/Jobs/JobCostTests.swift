import Curl
import Foundation
import Hummingbird
import Logging
import RAGPipeline
import Synchronization
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// The price table end to end: `RAG_MODEL_PRICES` changes each job's cost, a bad table stops
/// start-up naming the model, a model without a price costs 0 and is named once.
@Suite("Job cost and RAG_MODEL_PRICES", .serialized)
struct JobCostTests {
    static let key = "sk-cost-test-0123456789abcdef"
    static let secret = "whsec-cost-test-0123456789abcdef"

    /// Runs one job through an in-process worker whose OpenAI calls go to a double; returns the
    /// webhook's `usage` and what the double served.
    private func runJob(_ environment: [String: String]) async throws -> (usage: [String: Any], chat: [OpenAIDouble.ServedUsage],
                                                                          embeddings: [OpenAIDouble.ServedUsage]) {
        let (body, chat, embeddings) = try await deliver(environment)
        let json = (try JSONSerialization.jsonObject(with: body)) as? [String: Any]
        return (json?["usage"] as? [String: Any] ?? [:], chat, embeddings)
    }

    private func deliver(_ environment: [String: String]) async throws -> (Data, [OpenAIDouble.ServedUsage], [OpenAIDouble.ServedUsage]) {
        let openAI = OpenAIDouble(apiKey: Self.key)
        openAI.setUsageDetails(.init(cachedShare: 0.25))
        let receiver = WebhookReceiver(secret: Self.secret)
        return try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                let merged = [
                    "OPENAI_API_KEY": Self.key, "OPENAI_BASE_URL": openAIURL + "/v1",
                    "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret,
                ].merging(environment) { $1 }
                try await InProcessWorker.with(environment: merged) { worker in
                    let response = try await worker.postJob(sampleJob(id: "cost-1", extra: #", "questions": ["When can you start?"]"#))
                    #expect(response.status == 202)
                    let deadline = ContinuousClock.now + .seconds(30)
                    while await receiver.acknowledged.isEmpty, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                let delivery = try #require(await receiver.acknowledged.first)
                return (delivery.body, openAI.chatUsage, openAI.embeddingUsage)
            }
        }
    }

    /// The cost of what the double served at `chat` and `embedding` prices (USD per million tokens).
    private func cost(chat: [OpenAIDouble.ServedUsage], embeddings: [OpenAIDouble.ServedUsage],
                      chatPrices: (input: Double, cached: Double, output: Double), embeddingInput: Double) -> Double {
        embeddings.reduce(0) { $0 + Double($1.promptTokens) * embeddingInput / 1_000_000 }
            + chat.reduce(0) {
                $0 + Double($1.promptTokens - $1.cachedTokens) * chatPrices.input / 1_000_000
                    + Double($1.cachedTokens) * chatPrices.cached / 1_000_000 + Double($1.completionTokens) * chatPrices.output / 1_000_000
            }
    }

    @Test("default prices, then RAG_MODEL_PRICES: the webhook's cost follows the table, to the double's usage")
    func overrideChangesCost() async throws {
        let defaults = try await runJob([:])
        let expectedDefault = cost(chat: defaults.chat, embeddings: defaults.embeddings,
                                   chatPrices: (0.15, 0.075, 0.60), embeddingInput: 0.02)
        let defaultCost = try #require(defaults.usage["cost_usd"] as? Double)
        #expect(abs(defaultCost - expectedDefault) < 1e-15, "\(defaultCost) vs \(expectedDefault)")

        let table = #"{"gpt-4o-mini": {"input_per_million": 5, "output_per_million": 20}, "text-embedding-3-small": {"input_per_million": 1}}"#
        let overridden = try await runJob(["RAG_MODEL_PRICES": table])
        // No cached price in the override: cached input costs the input price.
        let expectedOverride = cost(chat: overridden.chat, embeddings: overridden.embeddings, chatPrices: (5, 5, 20), embeddingInput: 1)
        let overrideCost = try #require(overridden.usage["cost_usd"] as? Double)
        #expect(abs(overrideCost - expectedOverride) < 1e-15, "\(overrideCost) vs \(expectedOverride)")
        #expect(overrideCost > defaultCost * 10)
    }

    @Test("a model without a price, priced 0, named in the webhook and once in a warning for two jobs")
    func unpricedModel() async throws {
        let result = try await runJob(["OPENAI_MODEL": "gpt-unpriced"])
        #expect((result.usage["unpriced_models"] as? [String]) == ["gpt-unpriced"])
        let calls = try #require(result.usage["calls"] as? [[String: Any]])
        let chat = try #require(calls.first { $0["model"] as? String == "gpt-unpriced" })
        #expect(chat["priced"] as? Bool == false && chat["cost_usd"] as? Double == 0)

        let warnings = CapturedWarnings()
        let logger = Logger(label: "test") { _ in warnings }
        let costing = JobCosting(prices: .defaults)
        let call = ModelCallUsage(stage: .generate, operation: "chat", provider: "openai", providerName: "openai:gpt-unpriced",
                                  model: "gpt-unpriced", usage: TokenUsage(inputTokens: 100, outputTokens: 10))
        for _ in 0..<2 { #expect(costing.cost(of: [call], logger: logger).totalUSD == 0) }
        #expect(warnings.messages.count == 1)
        #expect(warnings.recordedMetadata.first?["model"] == "gpt-unpriced")
    }

    @Test("a bad table stops start-up with one message naming each model: Config.load and `rag-worker serve` (exit 78)")
    func badTable() async throws {
        let table = #"{"gpt-4o-mini": {"input_per_million": -0.15}, "rerank-v3.5": {"per_thousand_searches": "two"}}"#
        #expect {
            try Config.load(environment: ["RAG_MODEL_PRICES": table])
        } throws: { error in
            let text = "\(error)"
            return text.contains("RAG_MODEL_PRICES: model gpt-4o-mini: input_per_million must be zero or more, got -0.15")
                && text.contains("RAG_MODEL_PRICES: model rerank-v3.5: per_thousand_searches must be a number of US dollars")
        }
        try await withTemporaryDirectory { directory in
            let result = try await runWorkerCommand(["serve"], environment: [
                "RAG_DATA_DIR": directory.path, "PORT": "0", "RAG_MODEL_PRICES": table,
            ])
            #expect(result.status == 78, "\(result.output)")
            #expect(result.output.contains("RAG_MODEL_PRICES: model gpt-4o-mini: input_per_million must be zero or more"), "\(result.output)")
        }
    }
}

/// Keeps the warnings logged through it.
private final class CapturedWarnings: LogHandler, @unchecked Sendable {
    // Guarded by `lock`; swift-log's handler protocol needs a reference that mutates its fields.
    private let lock = Mutex<(messages: [String], metadata: [[String: String]])>(([], []))
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    var messages: [String] { lock.withLock { $0.messages } }
    var recordedMetadata: [[String: String]] { lock.withLock { $0.metadata } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level == .warning else { return }
        let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
        lock.withLock {
            $0.messages.append("\(event.message)")
            $0.metadata.append(fields)
        }
    }
}
