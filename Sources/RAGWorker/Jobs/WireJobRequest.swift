import RAGPipeline

/// The request's known fields with the JSON types the contract expects, for the common case of a
/// well-typed body: decoding it throws no errors, unlike decoding a generic ``JSONValue`` tree,
/// which probes each value's type. Its ``members`` feed the same validator as the generic path,
/// so there is one set of rules.
struct WireJobRequest: Decodable {
    struct Budget: Decodable {
        var type: String?
        var min: Double?
        var max: Double?
        var currency: String?
    }

    struct Client: Decodable {
        var country: String?
        var rating: Double?
        var totalSpent: Double?
        var hires: Double?

        enum CodingKeys: String, CodingKey {
            case country, rating, hires
            case totalSpent = "total_spent"
        }
    }

    var jobID: String?
    var title: String?
    var description: String?
    var skills: [String]?
    var budget: Budget?
    var client: Client?
    var url: String?
    var questions: [String]?
    var metadata: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case title, description, skills, budget, client, url, questions, metadata
        case jobID = "job_id"
    }

    /// The fields as a JSON object, absent ones left out.
    var members: [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        object["job_id"] = jobID.map(JSONValue.string)
        object["title"] = title.map(JSONValue.string)
        object["description"] = description.map(JSONValue.string)
        object["skills"] = skills.map { .array($0.map(JSONValue.string)) }
        object["url"] = url.map(JSONValue.string)
        object["questions"] = questions.map { .array($0.map(JSONValue.string)) }
        object["metadata"] = metadata.map(JSONValue.object)
        if let budget {
            var members: [String: JSONValue] = [:]
            members["type"] = budget.type.map(JSONValue.string)
            members["min"] = budget.min.map(JSONValue.number)
            members["max"] = budget.max.map(JSONValue.number)
            members["currency"] = budget.currency.map(JSONValue.string)
            object["budget"] = .object(members)
        }
        if let client {
            var members: [String: JSONValue] = [:]
            members["country"] = client.country.map(JSONValue.string)
            members["rating"] = client.rating.map(JSONValue.number)
            members["total_spent"] = client.totalSpent.map(JSONValue.number)
            members["hires"] = client.hires.map(JSONValue.number)
            object["client"] = .object(members)
        }
        return object
    }
}
