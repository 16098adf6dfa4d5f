/// What one model costs, in US dollars.
public struct ModelPrice: Sendable, Equatable {
    /// Per million input tokens.
    public var inputPerMillion: Double
    /// Per million output tokens (reasoning tokens included, as providers bill them).
    public var outputPerMillion: Double
    /// Per million input tokens served from the provider's prompt cache; nil: the input price.
    public var cachedInputPerMillion: Double?
    /// Per 1,000 billed searches (rerank).
    public var perThousandSearches: Double

    public init(inputPerMillion: Double = 0, outputPerMillion: Double = 0, cachedInputPerMillion: Double? = nil, perThousandSearches: Double = 0) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion
        self.perThousandSearches = perThousandSearches
    }

    /// The price of `usage`: uncached input, cached input, output and searches, each
    /// `count × price / unit`, added in that order.
    public func cost(of usage: TokenUsage) -> Double {
        let cached = min(max(usage.cachedInputTokens, 0), usage.inputTokens)
        let uncached = usage.inputTokens - cached
        return Double(uncached) * inputPerMillion / 1_000_000
            + Double(cached) * (cachedInputPerMillion ?? inputPerMillion) / 1_000_000
            + Double(usage.outputTokens) * outputPerMillion / 1_000_000
            + Double(usage.searchUnits) * perThousandSearches / 1_000
    }
}
