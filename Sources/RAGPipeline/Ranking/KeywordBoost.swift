/// Raises retrieved documents that mention the job's skills and key terms: the
/// `keyword-boost` stage, which always runs.
///
/// Matching ignores case and punctuation: a term matches when its tokens, or those of one of its
/// ``KeyTerm/alternatives`` (`postgres` for `PostgreSQL`), appear in a row (`node js` in
/// "Node.js") or run together as one token (`nodejs`). The boost is bounded:
/// `weight × min(1, matched weight / saturation)`, so it never exceeds ``weight`` however
/// many terms match.
public struct KeywordBoost: Sendable {
    /// Largest boost a document can get, added to its similarity (or rerank relevance).
    public var weight: Double
    /// Matched term weight at which the boost reaches ``weight`` (skills weigh 1, keywords 0.5).
    public var saturation: Double
    /// Shared by copies of this value: one cache per pipeline.
    let tokenCache: DocumentTokenCache

    public init(weight: Double = 0.10, saturation: Double = 3) {
        self.weight = min(max(weight, 0), 1)
        self.saturation = max(saturation, 0.1)
        self.tokenCache = DocumentTokenCache()
    }

    /// The documents with their boost and matched terms, best first.
    public func apply(to documents: [RetrievedDocument], terms: [KeyTerm]) -> [RankedDocument] {
        let spellings = terms.map(Spelling.all)
        let ranked = documents.map { document -> RankedDocument in
            let tokens = tokenCache.tokens(of: document.title + "\n" + document.content, id: document.id)
            let matched = Self.matches(tokens.sequence, tokenSet: tokens.set, terms: terms, spellings: spellings)
            let total = matched.reduce(0) { $0 + $1.weight }
            let boost = weight * min(1, total / saturation)
            return RankedDocument(document: document, keywordBoost: boost, matchedTerms: matched.map(\.term))
        }
        return Self.sorted(ranked)
    }

    /// The terms `text` mentions, in the order of `terms`.
    public func matches(in text: String, terms: [KeyTerm]) -> [KeyTerm] {
        let tokens = TextTokenizer.tokens(text)
        return Self.matches(tokens, tokenSet: Set(tokens), terms: terms, spellings: terms.map(Spelling.all))
    }

    /// One token run that counts as a mention of a term, with its tokens run together.
    private struct Spelling {
        var run: [String]
        var joined: String

        static func all(of term: KeyTerm) -> [Spelling] {
            term.spellings.map { Spelling(run: $0, joined: $0.joined()) }
        }
    }

    private static func matches(_ tokens: [String], tokenSet: Set<String>, terms: [KeyTerm], spellings: [[Spelling]]) -> [KeyTerm] {
        zip(terms, spellings).filter { _, spellings in
            spellings.contains { spelling in
                if spelling.run.count == 1 { return tokenSet.contains(spelling.joined) }
                return tokenSet.contains(spelling.joined) || contains(tokens, run: spelling.run)
            }
        }.map(\.0)
    }

    /// Best first: by score, then similarity, then id, so equal scores keep a stable order.
    static func sorted(_ documents: [RankedDocument]) -> [RankedDocument] {
        documents.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.document.similarity != $1.document.similarity { return $0.document.similarity > $1.document.similarity }
            return $0.document.id < $1.document.id
        }
    }

    private static func contains(_ tokens: [String], run: [String]) -> Bool {
        guard let first = run.first, tokens.count >= run.count else { return false }
        var index = 0
        while index + run.count <= tokens.count {
            if tokens[index] == first, Array(tokens[index..<(index + run.count)]) == run { return true }
            index += 1
        }
        return false
    }
}
