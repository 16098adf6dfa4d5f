/// A skill or key term of a job, in the normalized form the keyword boost matches.
public struct KeyTerm: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable {
        /// Listed in the job's `skills`.
        case skill
        /// Frequent in the title and description.
        case keyword
    }

    /// As written in the job (e.g. `OpenAI API`).
    public var term: String
    /// Lower-case tokens (e.g. `["openai", "api"]`).
    public var tokens: [String]
    public var kind: Kind
    /// How much a match counts (skills 1, keywords 0.5 by default).
    public var weight: Double
    /// Other spellings that count as a mention (e.g. `["postgres"]` for `PostgreSQL`), as tokens.
    public var alternatives: [[String]]

    public init(term: String, tokens: [String], kind: Kind, weight: Double, alternatives: [[String]] = []) {
        self.term = term
        self.tokens = tokens
        self.kind = kind
        self.weight = weight
        self.alternatives = alternatives
    }

    /// The term's own tokens, then its alternatives: every token run that counts as a mention.
    var spellings: [[String]] { [tokens] + alternatives }
}
