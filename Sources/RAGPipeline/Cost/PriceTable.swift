import Foundation

/// Prices per model, for the cost of each job (docs/configuration.md, `RAG_MODEL_PRICES`).
///
/// ``defaults`` prices the default models at their list prices (an assumption dated in the
/// docs; check them against your contract). `RAG_MODEL_PRICES` adds or replaces models:
///
/// ```json
/// {"gpt-4o-mini": {"input_per_million": 0.15, "output_per_million": 0.6, "cached_input_per_million": 0.075},
///  "rerank-v3.5": {"per_thousand_searches": 2.0}}
/// ```
///
/// A model the table does not know costs 0 (never a guess); the runner names it once in a warning.
public struct PriceTable: Sendable, Equatable {
    /// Prices by model name, as the provider is asked for it (`gen_ai.request.model`).
    public var prices: [String: ModelPrice]

    public init(prices: [String: ModelPrice]) {
        self.prices = prices
    }

    /// The default models: `gpt-4o-mini` (chat), `text-embedding-3-small` (embeddings),
    /// `rerank-v3.5` (Cohere rerank), at their list prices in US dollars.
    public static let defaults = PriceTable(prices: [
        "gpt-4o-mini": ModelPrice(inputPerMillion: 0.15, outputPerMillion: 0.60, cachedInputPerMillion: 0.075),
        "text-embedding-3-small": ModelPrice(inputPerMillion: 0.02),
        "rerank-v3.5": ModelPrice(perThousandSearches: 2.00),
    ])

    /// The field names of one model's entry in `RAG_MODEL_PRICES`.
    public static let fields = ["input_per_million", "output_per_million", "cached_input_per_million", "per_thousand_searches"]

    /// `base` with the models of `json` added or replaced.
    ///
    /// - Throws: ``PriceTableError`` listing every problem, each naming the model (and field):
    ///   not a JSON object, a model that is not an object, an unknown field, a price that is not
    ///   a number or is negative or not finite.
    public static func parse(_ json: String, over base: PriceTable = .defaults) throws(PriceTableError) -> PriceTable {
        let decoded: JSONValue
        do {
            decoded = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        } catch {
            throw PriceTableError(problems: ["is not valid JSON: expected an object of models, e.g. {\"gpt-4o-mini\": {\"input_per_million\": 0.15, \"output_per_million\": 0.6}}"])
        }
        guard case .object(let models) = decoded else {
            throw PriceTableError(problems: ["must be a JSON object of models (got a JSON \(decoded.typeName))"])
        }
        var table = base
        var problems: [String] = []
        for model in models.keys.sorted() {
            guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
                problems.append("a model name is empty")
                continue
            }
            guard case .object(let fields) = models[model]! else {
                problems.append("model \(model): must be an object of prices (got a JSON \(models[model]!.typeName))")
                continue
            }
            var numbers: [String: Double] = [:]
            for field in fields.keys.sorted() {
                guard Self.fields.contains(field) else {
                    problems.append("model \(model): unknown field \(field) (expected \(Self.fields.joined(separator: ", ")))")
                    continue
                }
                guard case .number(let value) = fields[field]! else {
                    problems.append("model \(model): \(field) must be a number of US dollars (got a JSON \(fields[field]!.typeName))")
                    continue
                }
                guard value.isFinite, value >= 0 else {
                    problems.append("model \(model): \(field) must be zero or more, got \(value)")
                    continue
                }
                numbers[field] = value
            }
            table.prices[model] = ModelPrice(
                inputPerMillion: numbers["input_per_million"] ?? 0, outputPerMillion: numbers["output_per_million"] ?? 0,
                cachedInputPerMillion: numbers["cached_input_per_million"], perThousandSearches: numbers["per_thousand_searches"] ?? 0)
        }
        guard problems.isEmpty else { throw PriceTableError(problems: problems) }
        return table
    }

    /// Prices each call; calls of models without a price cost 0 and are listed in ``JobCost/unpricedModels``.
    public func cost(of calls: [ModelCallUsage]) -> JobCost {
        var lines: [JobCost.Line] = []
        var unpriced: [String] = []
        for call in calls {
            if let price = prices[call.model] {
                lines.append(JobCost.Line(call: call, usd: price.cost(of: call.usage), priced: true))
            } else {
                lines.append(JobCost.Line(call: call, usd: 0, priced: false))
                if !unpriced.contains(call.model) { unpriced.append(call.model) }
            }
        }
        return JobCost(lines: lines, unpricedModels: unpriced)
    }
}

/// `RAG_MODEL_PRICES` could not be read; every problem names its model.
public struct PriceTableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]

    public var description: String { problems.joined(separator: "; ") }
}
