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

    public init(term: String, tokens: [String], kind: Kind, weight: Double) {
        self.term = term
        self.tokens = tokens
        self.kind = kind
        self.weight = weight
    }

    /// The tokens run together (`node js` → `nodejs`), so punctuation and spacing never decide a match.
    var joined: String { tokens.joined() }
}
