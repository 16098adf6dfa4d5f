/// The quality signals of one delivered proposal: the evaluator's assessment plus what the
/// pipeline saw on the way (schema repairs, guard blocks, degraded stages).
///
/// Sent as the webhook's `analysis.quality`, persisted with the result, and read by the job
/// runner for the `rag.job` span, its `gen_ai.evaluation.result` events and the metrics.
public struct QualitySignals: Sendable, Equatable, Codable {
    /// The asked length range.
    public struct WordRange: Sendable, Equatable, Codable {
        public var min: Int
        public var max: Int
    }

    public var evaluator: String
    /// Supported claims / claims, 0…1; absent when the proposal makes no claims about past work.
    public var groundedness: Double?
    public var claims: Int
    public var supportedClaims: Int
    /// The sentences no reference supports, as written (the output guard checked them first).
    public var unsupportedClaims: [String]
    public var questionsAsked: Int
    public var questionsAnswered: Int
    public var unansweredQuestions: [String]
    public var words: Int
    public var askedWords: WordRange
    public var lengthWithinRange: Bool
    /// Schema repair requests the generator made (0 or 1).
    public var repairs: Int
    /// Drafts the output guard blocked (always 0 on a delivered proposal: a block fails the job;
    /// kept so one record describes both).
    public var guardBlocks: Int
    /// Stages that fell back without failing the job (`retrieve`, `rerank`).
    public var degradedStages: [String]

    enum CodingKeys: String, CodingKey {
        case evaluator, groundedness, claims, words, repairs
        case supportedClaims = "supported_claims"
        case unsupportedClaims = "unsupported_claims"
        case questionsAsked = "questions_asked"
        case questionsAnswered = "questions_answered"
        case unansweredQuestions = "unanswered_questions"
        case askedWords = "asked_words"
        case lengthWithinRange = "length_within_range"
        case guardBlocks = "guard_blocks"
        case degradedStages = "degraded_stages"
    }

    public init(assessment: ProposalAssessment, repairs: Int, guardBlocks: Int = 0, degradedStages: [String]) {
        evaluator = assessment.evaluator
        groundedness = assessment.groundedness.score
        claims = assessment.groundedness.claims
        supportedClaims = assessment.groundedness.supported
        unsupportedClaims = assessment.groundedness.unsupported
        questionsAsked = assessment.coverage.asked
        questionsAnswered = assessment.coverage.answered
        unansweredQuestions = assessment.coverage.unanswered
        words = assessment.length.words
        askedWords = WordRange(min: assessment.length.minimum, max: assessment.length.maximum)
        lengthWithinRange = assessment.length.withinRange
        self.repairs = repairs
        self.guardBlocks = guardBlocks
        self.degradedStages = degradedStages
    }

    public var questionsUnanswered: Int { questionsAsked - questionsAnswered }
}
