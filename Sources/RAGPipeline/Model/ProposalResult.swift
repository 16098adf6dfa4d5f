/// What a successful pipeline run produces; persisted with the job and sent in the webhook.
public struct ProposalResult: Sendable, Equatable, Codable {
    public var proposal: Proposal
    public var analysis: Analysis
    /// The past work the draft drew on, best first: one entry per document, with the scores of
    /// its best-ranked chunk.
    public var references: [Reference]
    /// The provider that served each stage, e.g. `["embed": "openai:text-embedding-3-small"]`.
    public var providers: [String: String]
    /// Stages that failed without failing the job, and what was done instead.
    public var degraded: [String]

    public init(proposal: Proposal, analysis: Analysis, references: [Reference], providers: [String: String], degraded: [String] = []) {
        self.proposal = proposal
        self.analysis = analysis
        self.references = references
        self.providers = providers
        self.degraded = degraded
    }
}

/// The proposal text and the answers to the posting's screening questions.
public struct Proposal: Sendable, Equatable, Codable {
    /// One screening question of the posting and its answer.
    public struct Answer: Sendable, Equatable, Codable {
        public var question: String
        /// The answer; empty when ``answered`` is false.
        public var answer: String
        /// False when the generator gave no usable answer to this question (the model's answers
        /// could not be matched to it): the question needs a person, and the result's `degraded`
        /// says why.
        public var answered: Bool

        enum CodingKeys: String, CodingKey {
            case question, answer, answered
        }

        public init(question: String, answer: String, answered: Bool = true) {
            self.question = question
            self.answer = answer
            self.answered = answered
        }

        /// `question`, marked unanswered.
        public static func unanswered(_ question: String) -> Answer {
            Answer(question: question, answer: "", answered: false)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            question = try container.decode(String.self, forKey: .question)
            answer = try container.decode(String.self, forKey: .answer)
            // Results stored before unanswered questions were delivered have every answer.
            answered = try container.decodeIfPresent(Bool.self, forKey: .answered) ?? true
        }
    }

    public var text: String
    public var answers: [Answer]
    /// Which generator wrote it (e.g. `openai:gpt-4o-mini`, `extractive-drafter`), so a reader
    /// can tell a model's draft from the embedded fallback.
    public var generatedBy: String

    enum CodingKeys: String, CodingKey {
        case text, answers
        case generatedBy = "generated_by"
    }

    public init(text: String, answers: [Answer], generatedBy: String) {
        self.text = text
        self.answers = answers
        self.generatedBy = generatedBy
    }
}

/// How well the job fits, and what to watch for.
public struct Analysis: Sendable, Equatable, Codable {
    /// 0–100.
    public var fitScore: Int
    public var fitReasons: [String]
    public var keyRequirements: [String]
    public var risks: [String]
    /// The proposal's quality signals (docs/observability.md, "Quality signals"), set by the
    /// pipeline after generation; nil in what a generator returns.
    public var quality: QualitySignals?

    enum CodingKeys: String, CodingKey {
        case risks, quality
        case fitScore = "fit_score"
        case fitReasons = "fit_reasons"
        case keyRequirements = "key_requirements"
    }

    public init(fitScore: Int, fitReasons: [String], keyRequirements: [String], risks: [String], quality: QualitySignals? = nil) {
        self.fitScore = fitScore
        self.fitReasons = fitReasons
        self.keyRequirements = keyRequirements
        self.risks = risks
        self.quality = quality
    }
}

/// A piece of past work the proposal drew on, with the scores of each ranking step.
public struct Reference: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    public var source: String?
    /// Cosine similarity from retrieval.
    public var similarity: Double
    /// What the keyword boost added.
    public var keywordBoost: Double
    /// The reranker's relevance score, when reranking ran.
    public var rerankScore: Double?
    /// The score the final order was sorted by.
    public var score: Double
    /// The job's skills and key terms this reference mentions (what earned the keyword boost).
    public var matchedTerms: [String]

    enum CodingKeys: String, CodingKey {
        case id, title, source, similarity, score
        case keywordBoost = "keyword_boost"
        case rerankScore = "rerank_score"
        case matchedTerms = "matched_terms"
    }

    public init(
        id: String, title: String, source: String?, similarity: Double, keywordBoost: Double,
        rerankScore: Double?, score: Double, matchedTerms: [String] = []
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.similarity = similarity
        self.keywordBoost = keywordBoost
        self.rerankScore = rerankScore
        self.score = score
        self.matchedTerms = matchedTerms
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        title = try container.decode(String.self, forKey: .title)
        source = try container.decodeIfPresent(String.self, forKey: .source)
        similarity = try container.decode(Double.self, forKey: .similarity)
        keywordBoost = try container.decode(Double.self, forKey: .keywordBoost)
        rerankScore = try container.decodeIfPresent(Double.self, forKey: .rerankScore)
        score = try container.decode(Double.self, forKey: .score)
        // Records written before matched terms were kept decode with none.
        matchedTerms = try container.decodeIfPresent([String].self, forKey: .matchedTerms) ?? []
    }
}
