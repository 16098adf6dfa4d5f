/// A run's quality signals as its `rag.job` span recorded them.
public struct JobQuality: Sendable, Codable, Equatable {
    public var evaluator: String
    /// 0…1; nil when the proposal made no claims about past work.
    public var groundedness: Double?
    public var claims: Int
    public var unsupportedClaims: Int
    /// The unsupported sentences (ring buffer only: they never leave the instance).
    public var unsupportedSentences: [String]
    public var questionsAsked: Int
    public var questionsAnswered: Int
    public var words: Int?
    public var lengthWithinRange: Bool?
    public var repairs: Int
    public var guardBlocks: Int
    public var degradedStages: [String]

    /// The signals of `span`, nil when it has none (a failed run, or a worker before quality signals).
    init?(span: StoredSpan) {
        guard let evaluator = span.attributes[SpanAttributes.qualityEvaluator] else { return nil }
        func int(_ key: String) -> Int { span.attributes[key].flatMap { Int($0) } ?? 0 }
        self.evaluator = evaluator
        groundedness = span.attributes[SpanAttributes.groundedness].flatMap(Double.init)
        claims = int(SpanAttributes.claims)
        unsupportedClaims = int(SpanAttributes.unsupportedClaims)
        unsupportedSentences = span.lists[SpanAttributes.unsupportedClaimsText] ?? []
        questionsAsked = int(SpanAttributes.questionsAsked)
        questionsAnswered = int(SpanAttributes.questionsAnswered)
        words = span.attributes[SpanAttributes.words].flatMap { Int($0) }
        lengthWithinRange = span.attributes[SpanAttributes.lengthWithinRange].map { $0 == "true" || $0 == "1" }
        repairs = int(SpanAttributes.repairs)
        guardBlocks = int(SpanAttributes.guardBlocks)
        degradedStages = span.lists[SpanAttributes.degradedStages] ?? []
    }
}

/// A run's usage and cost as its `rag.job` span recorded them.
public struct JobUsageSummary: Sendable, Codable, Equatable {
    public var costUSD: Double
    public var inputTokens: Int
    public var outputTokens: Int
    public var searchUnits: Int
    /// Models the price table did not know (priced 0).
    public var unpricedModels: [String]

    init?(span: StoredSpan) {
        guard let cost = span.attributes[SpanAttributes.costUSD].flatMap(Double.init) else { return nil }
        costUSD = cost
        inputTokens = span.attributes[SpanAttributes.jobInputTokens].flatMap { Int($0) } ?? 0
        outputTokens = span.attributes[SpanAttributes.jobOutputTokens].flatMap { Int($0) } ?? 0
        searchUnits = span.attributes[SpanAttributes.searchUnits].flatMap { Int($0) } ?? 0
        unpricedModels = span.lists[SpanAttributes.unpricedModels] ?? []
    }
}
