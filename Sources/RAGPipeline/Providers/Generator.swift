/// Writes the proposal and its analysis: the `generate` stage.
///
/// ``OpenAIGenerator`` (structured output) in production, ``ExtractiveDrafter`` as the
/// embedded default.
public protocol Generator: Sendable {
    var identity: ProviderIdentity { get }

    func generate(_ request: GenerationRequest, call: ProviderCall) async throws -> GeneratedDraft
}

/// What a generator works from.
public struct GenerationRequest: Sendable {
    /// The posting: untrusted text.
    public var job: JobRequest
    /// Past work, best first.
    public var references: [RankedDocument]
    /// The job's skills and key terms, as the keyword boost used them.
    public var keyTerms: [KeyTerm]

    public init(job: JobRequest, references: [RankedDocument], keyTerms: [KeyTerm]) {
        self.job = job
        self.references = references
        self.keyTerms = keyTerms
    }
}

/// A generator's validated answer.
public struct GeneratedDraft: Sendable, Equatable {
    public var proposal: Proposal
    public var analysis: Analysis
    public var usage: TokenUsage?
    /// Whether the first answer was invalid and the repair attempt produced this one.
    public var repaired: Bool
    /// What the draft lacks and why, for the result's `degraded` (e.g. screening questions the
    /// model's answers could not be matched to, marked unanswered).
    public var degraded: [String]

    public init(proposal: Proposal, analysis: Analysis, usage: TokenUsage? = nil, repaired: Bool = false, degraded: [String] = []) {
        self.proposal = proposal
        self.analysis = analysis
        self.usage = usage
        self.repaired = repaired
        self.degraded = degraded
    }
}

/// What a provider reported for one or more calls: tokens (and Cohere's billed search units),
/// and which model answered with which response id. Counts add up; the response model and id
/// are the latest call's.
public struct TokenUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input tokens served from the provider's prompt cache (part of ``inputTokens``).
    public var cachedInputTokens: Int
    /// Output tokens spent on reasoning (part of ``outputTokens``).
    public var reasoningTokens: Int
    /// Billed search units (Cohere rerank: one per query of up to 100 documents).
    public var searchUnits: Int
    /// The model the provider says answered (`gen_ai.response.model`).
    public var responseModel: String?
    /// The provider's id of the response (`gen_ai.response.id`).
    public var responseID: String?

    public init(
        inputTokens: Int, outputTokens: Int, cachedInputTokens: Int = 0, reasoningTokens: Int = 0, searchUnits: Int = 0,
        responseModel: String? = nil, responseID: String? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.reasoningTokens = reasoningTokens
        self.searchUnits = searchUnits
        self.responseModel = responseModel
        self.responseID = responseID
    }

    public static let zero = TokenUsage(inputTokens: 0, outputTokens: 0)

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens,
            cachedInputTokens: lhs.cachedInputTokens + rhs.cachedInputTokens,
            reasoningTokens: lhs.reasoningTokens + rhs.reasoningTokens, searchUnits: lhs.searchUnits + rhs.searchUnits,
            responseModel: rhs.responseModel ?? lhs.responseModel, responseID: rhs.responseID ?? lhs.responseID)
    }
}
