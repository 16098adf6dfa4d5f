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

/// Model tokens a call used.
public struct TokenUsage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int

    public init(inputTokens: Int, outputTokens: Int) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(inputTokens: lhs.inputTokens + rhs.inputTokens, outputTokens: lhs.outputTokens + rhs.outputTokens)
    }
}
