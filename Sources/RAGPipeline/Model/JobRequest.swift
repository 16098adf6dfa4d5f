/// A job posting as n8n sends it to `POST /invocations`, after validation.
///
/// Encoded with snake_case keys, the same shape as the request; `metadata` is kept as sent
/// and passed through to the webhook.
public struct JobRequest: Sendable, Equatable, Codable {
    /// The budget of the posting.
    public struct Budget: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
            case fixed
            case hourly
        }

        public var type: Kind
        public var min: Double?
        public var max: Double?
        /// ISO 4217 code, upper case.
        public var currency: String?

        public init(type: Kind, min: Double? = nil, max: Double? = nil, currency: String? = nil) {
            self.type = type
            self.min = min
            self.max = max
            self.currency = currency
        }
    }

    /// What the posting says about the client.
    public struct Client: Sendable, Equatable, Codable {
        public var country: String?
        /// 0–5 stars; 0 when nobody has reviewed the client yet.
        public var rating: Double?
        public var totalSpent: Double?
        public var hires: Int?

        enum CodingKeys: String, CodingKey {
            case country, rating, hires
            case totalSpent = "total_spent"
        }

        public init(country: String? = nil, rating: Double? = nil, totalSpent: Double? = nil, hires: Int? = nil) {
            self.country = country
            self.rating = rating
            self.totalSpent = totalSpent
            self.hires = hires
        }
    }

    public var jobID: String
    public var title: String
    public var description: String
    public var skills: [String]
    public var budget: Budget?
    public var client: Client?
    public var url: String?
    /// Screening questions the proposal must answer.
    public var questions: [String]
    /// Anything the caller wants back in the webhook, untouched.
    public var metadata: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case title, description, skills, budget, client, url, questions, metadata
        case jobID = "job_id"
    }

    public init(
        jobID: String,
        title: String,
        description: String,
        skills: [String] = [],
        budget: Budget? = nil,
        client: Client? = nil,
        url: String? = nil,
        questions: [String] = [],
        metadata: [String: JSONValue]? = nil
    ) {
        self.jobID = jobID
        self.title = title
        self.description = description
        self.skills = skills
        self.budget = budget
        self.client = client
        self.url = url
        self.questions = questions
        self.metadata = metadata
    }
}
