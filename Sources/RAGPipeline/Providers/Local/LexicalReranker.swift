import Foundation

/// The embedded default reranker: Okapi BM25 of the job's query over the candidates.
///
/// Document frequencies come from the candidate set itself. Scores map to 0…1 with
/// `s / (s + K)`, where K is half the query's total IDF, so a document matching about half
/// of what the query asks scores near 0.5 (an absolute scale, like Cohere's relevance).
public struct LexicalReranker: Reranker {
    public let identity = ProviderIdentity.local("bm25-reranker")
    /// Term-frequency saturation.
    public var k1: Double
    /// Length normalization.
    public var b: Double

    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    public func rerank(query: String, documents: [String], topN: Int, call: ProviderCall) async throws -> [RerankScore] {
        call.recorder.began()
        return score(query: query, documents: documents).prefix(max(0, topN)).map { $0 }
    }

    /// Every document's relevance, best first (ties keep the input order).
    public func score(query: String, documents: [String]) -> [RerankScore] {
        let queryTerms = Array(Set(TextTokenizer.contentTokens(query)))
        let documentTerms = documents.map { TextTokenizer.contentTokens($0) }
        guard !documents.isEmpty else { return [] }
        let averageLength = max(1, Double(documentTerms.reduce(0) { $0 + $1.count }) / Double(documents.count))
        var frequency: [String: Int] = [:]
        for terms in documentTerms {
            for term in Set(terms) { frequency[term, default: 0] += 1 }
        }
        let count = Double(documents.count)
        let idf = Dictionary(uniqueKeysWithValues: queryTerms.map { term -> (String, Double) in
            let df = Double(frequency[term] ?? 0)
            return (term, log(1 + (count - df + 0.5) / (df + 0.5)))
        })
        let scale = max(0.5 * idf.values.reduce(0, +), 0.0001)

        let scored = documentTerms.enumerated().map { index, terms -> RerankScore in
            var counts: [String: Int] = [:]
            for term in terms where idf[term] != nil { counts[term, default: 0] += 1 }
            let norm = k1 * (1 - b + b * Double(terms.count) / averageLength)
            var total = 0.0
            for (term, tf) in counts {
                let tf = Double(tf)
                total += (idf[term] ?? 0) * tf * (k1 + 1) / (tf + norm)
            }
            return RerankScore(index: index, score: total / (total + scale))
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
    }
}
