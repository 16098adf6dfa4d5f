/// What a proposal is judged against: the draft, the posting's questions and the references the
/// generator was given.
public struct ProposalQualityInput: Sendable {
    public var proposal: String
    public var answers: [Proposal.Answer]
    public var questions: [String]
    public var references: [ReferenceIndex]
    /// The length the prompt asks for, in words.
    public var askedWords: ClosedRange<Int>

    public init(
        proposal: String, answers: [Proposal.Answer], questions: [String], references: [ReferenceIndex],
        askedWords: ClosedRange<Int> = LengthCheck.askedWords
    ) {
        self.proposal = proposal
        self.answers = answers
        self.questions = questions
        self.references = references
        self.askedWords = askedWords
    }
}

/// The quality of one proposal as an evaluator sees it.
public struct ProposalAssessment: Sendable, Equatable {
    /// Who judged: ``LexicalQualityEvaluator/name`` or a future model judge's name.
    public var evaluator: String
    public var groundedness: Groundedness.Result
    public var coverage: QuestionCoverage
    public var length: LengthCheck

    public init(evaluator: String, groundedness: Groundedness.Result, coverage: QuestionCoverage, length: LengthCheck) {
        self.evaluator = evaluator
        self.groundedness = groundedness
        self.coverage = coverage
        self.length = length
    }
}

/// Judges a proposal. The worker's default is ``LexicalQualityEvaluator`` (deterministic, in
/// process, about a tenth of a millisecond); a model-based judge can implement the same
/// protocol later and be passed to ``ProposalPipeline`` and `rag-worker eval` instead.
public protocol ProposalQualityEvaluator: Sendable {
    /// A short, stable name recorded with every assessment (`lexical-v1`).
    var name: String { get }

    /// Assesses `input`. A judge that calls a model may throw; the pipeline then records no
    /// quality signals for the job rather than failing it.
    func evaluate(_ input: ProposalQualityInput) async throws -> ProposalAssessment
}

/// The deterministic evaluator: ``ClaimExtractor`` and ``Groundedness`` over the proposal text
/// and each answer, ``QuestionCoverage`` and ``LengthCheck``. No network, no model.
public struct LexicalQualityEvaluator: ProposalQualityEvaluator {
    public let name = "lexical-v1"
    public var rule: Groundedness.Rule

    public init(rule: Groundedness.Rule = .default) {
        self.rule = rule
    }

    public func evaluate(_ input: ProposalQualityInput) async throws -> ProposalAssessment {
        assess(input)
    }

    /// The assessment, synchronously (benchmarks and offline evaluation call this).
    public func assess(_ input: ProposalQualityInput) -> ProposalAssessment {
        let claims = ClaimExtractor.claims(in: input.proposal) + input.answers.flatMap { ClaimExtractor.claims(in: $0.answer) }
        return ProposalAssessment(
            evaluator: name,
            groundedness: Groundedness.evaluate(claims: claims, references: input.references, rule: rule),
            coverage: QuestionCoverage.measure(questions: input.questions, answers: input.answers),
            length: LengthCheck.measure(input.proposal, asked: input.askedWords)
        )
    }
}
