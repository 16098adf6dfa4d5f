/// What one job run spent on model calls, priced from the ``PriceTable``.
public struct JobCost: Sendable, Equatable {
    /// One stage's model calls and their price.
    public struct Line: Sendable, Equatable {
        public var call: ModelCallUsage
        /// US dollars; 0 when the model has no price.
        public var usd: Double
        public var priced: Bool
    }

    public var lines: [Line]
    /// Models used that the price table does not know (priced 0).
    public var unpricedModels: [String]

    /// US dollars for the whole job.
    public var totalUSD: Double { lines.reduce(0) { $0 + $1.usd } }
    /// Every call's usage added up.
    public var usage: TokenUsage { lines.reduce(TokenUsage.zero) { $0 + $1.call.usage } }

    public init(lines: [Line], unpricedModels: [String]) {
        self.lines = lines
        self.unpricedModels = unpricedModels
    }
}
