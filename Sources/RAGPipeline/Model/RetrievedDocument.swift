/// A stored chunk the vector store returned for a query.
public struct RetrievedDocument: Sendable, Equatable {
    /// The store's id for the row.
    public var id: String
    public var title: String
    public var source: String?
    public var content: String
    public var metadata: [String: JSONValue]
    /// Cosine similarity to the query, -1…1 (1 is identical).
    public var similarity: Double

    public init(id: String, title: String, source: String?, content: String, metadata: [String: JSONValue] = [:], similarity: Double) {
        self.id = id
        self.title = title
        self.source = source
        self.content = content
        self.metadata = metadata
        self.similarity = similarity
    }

    /// Builds a document from a store row's `metadata` (title, source) and columns.
    init(id: String, content: String, metadata: [String: JSONValue], similarity: Double) {
        var title = "Untitled"
        if case .string(let value) = metadata["title"] { title = value }
        var source: String?
        if case .string(let value) = metadata["source"] { source = value }
        self.init(id: id, title: title, source: source, content: content, metadata: metadata, similarity: similarity)
    }
}

/// A retrieved document on its way through keyword boost and rerank.
public struct RankedDocument: Sendable, Equatable {
    public var document: RetrievedDocument
    /// What the keyword boost added (0 when nothing matched).
    public var keywordBoost: Double
    /// The job's skills and key terms the document mentions.
    public var matchedTerms: [String]
    /// The reranker's relevance (0…1), once rerank ran.
    public var rerankScore: Double?

    public init(document: RetrievedDocument, keywordBoost: Double = 0, matchedTerms: [String] = [], rerankScore: Double? = nil) {
        self.document = document
        self.keywordBoost = keywordBoost
        self.matchedTerms = matchedTerms
        self.rerankScore = rerankScore
    }

    /// The score the order is sorted by: the reranker's relevance when rerank ran, the
    /// similarity otherwise, plus the keyword boost in both cases.
    public var score: Double {
        (rerankScore ?? document.similarity) + keywordBoost
    }

    /// The reference reported in the result.
    public var reference: Reference {
        Reference(
            id: document.id, title: document.title, source: document.source,
            similarity: document.similarity, keywordBoost: keywordBoost,
            rerankScore: rerankScore, score: score, matchedTerms: matchedTerms
        )
    }
}
