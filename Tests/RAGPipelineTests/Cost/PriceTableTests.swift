import RAGPipeline
import Telemetry
import Testing

@Suite("Cost: price table")
struct PriceTableTests {
    static func call(_ model: String, input: Int = 0, output: Int = 0, cached: Int = 0, searches: Int = 0) -> ModelCallUsage {
        ModelCallUsage(stage: .generate, operation: "chat", provider: "openai", providerName: "openai:\(model)", model: model,
                       usage: TokenUsage(inputTokens: input, outputTokens: output, cachedInputTokens: cached, searchUnits: searches))
    }

    @Test("default prices: input, cached input, output and searches each priced per their unit")
    func defaults() {
        let cost = PriceTable.defaults.cost(of: [
            Self.call("gpt-4o-mini", input: 1_000, output: 500, cached: 200),
            Self.call("text-embedding-3-small", input: 40),
            Self.call("rerank-v3.5", searches: 1),
        ])
        let expected = 800 * 0.15 / 1e6 + 200 * 0.075 / 1e6 + 500 * 0.60 / 1e6 + 40 * 0.02 / 1e6 + 1 * 2.0 / 1e3
        #expect(abs(cost.totalUSD - expected) < 1e-15)
        #expect(cost.unpricedModels.isEmpty)
    }

    @Test("an override replaces a default and adds a model; the defaults it does not name stay")
    func override() throws {
        let table = try PriceTable.parse(#"{"gpt-4o-mini": {"input_per_million": 1, "output_per_million": 2}, "my-model": {"input_per_million": 3}}"#)
        #expect(table.prices["gpt-4o-mini"] == ModelPrice(inputPerMillion: 1, outputPerMillion: 2))
        #expect(table.prices["my-model"]?.inputPerMillion == 3)
        #expect(table.prices["rerank-v3.5"] == PriceTable.defaults.prices["rerank-v3.5"])
    }

    @Test("an unknown model, priced 0 and named")
    func unknownModel() {
        let cost = PriceTable.defaults.cost(of: [Self.call("gpt-9", input: 1_000_000), Self.call("gpt-9", output: 5)])
        #expect(cost.totalUSD == 0)
        #expect(cost.unpricedModels == ["gpt-9"])
        #expect(cost.lines.allSatisfy { !$0.priced })
    }

    @Test("bad tables, every problem named with its model",
          arguments: [
              (#"{"gpt-4o-mini": {"input_per_million": -1}}"#, "model gpt-4o-mini: input_per_million must be zero or more, got -1.0"),
              (#"{"gpt-4o-mini": {"output_per_million": "cheap"}}"#, "model gpt-4o-mini: output_per_million must be a number of US dollars (got a JSON string)"),
              (#"{"gpt-4o-mini": {"input_per_million": true}}"#, "model gpt-4o-mini: input_per_million must be a number of US dollars (got a JSON boolean)"),
              (#"{"gpt-4o-mini": {"inputs": 1}}"#, "model gpt-4o-mini: unknown field inputs"),
              (#"{"rerank-v3.5": 2}"#, "model rerank-v3.5: must be an object of prices (got a JSON number)"),
              (#"[1]"#, "must be a JSON object of models (got a JSON array)"),
              (#"{"#, "is not valid JSON"),
          ])
    func badTables(json: String, problem: String) {
        #expect(throws: PriceTableError.self) { try PriceTable.parse(json) }
        do {
            _ = try PriceTable.parse(json)
        } catch {
            #expect(error.problems.contains { $0.hasPrefix(problem) }, "\(error.problems)")
        }
    }
}
