import Foundation

/// A ranked list of documents for one job: what one retrieval stage returned, best first.
public struct DocumentRun: Sendable, Equatable {
    /// One document of the run and the score its stage gave it.
    public struct Entry: Sendable, Equatable, Codable {
        public var document: String
        public var score: Double

        public init(document: String, score: Double) {
            self.document = document
            self.score = score
        }
    }

    /// Best first, each document once.
    public let entries: [Entry]

    /// Ranks documents the way trec_eval reads a run: by score, highest first, and equal scores
    /// by document id in descending byte order; a document listed twice keeps its best score.
    /// Ranking here exactly as trec_eval does is what lets `--trec-out` reproduce every number.
    public init(scores: [Entry]) {
        var best: [String: Double] = [:]
        for entry in scores where entry.score > (best[entry.document] ?? -.infinity) {
            best[entry.document] = entry.score
        }
        entries = best.map { Entry(document: $0.key, score: $0.value) }.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            return Array($1.document.utf8).lexicographicallyPrecedes(Array($0.document.utf8))
        }
    }

    /// The document ids, best first.
    public var documents: [String] { entries.map(\.document) }
}

/// Retrieval metrics with trec_eval's definitions (`recall_k`, `P_k`, `recip_rank`, `ndcg_cut_k`),
/// for one ranked run against graded judgments (`grades[document]`, absent or 0 = not relevant).
///
/// A document is relevant when its grade is at least 1. nDCG uses the grade itself as the gain
/// and `log2(rank + 1)` as the discount; the ideal ranking is every judged document sorted by
/// grade, so relevant documents the run missed lower the score.
public enum RetrievalMetrics {
    /// Relevant documents in the first `k` over all relevant documents; 0 when none is relevant.
    public static func recall(_ run: [String], grades: [String: Int], k: Int) -> Double {
        let relevant = grades.values.filter { $0 > 0 }.count
        guard relevant > 0 else { return 0 }
        return Double(relevantCount(run, grades: grades, k: k)) / Double(relevant)
    }

    /// Relevant documents in the first `k` over `k` (a run shorter than `k` counts its missing ranks as misses).
    public static func precision(_ run: [String], grades: [String: Int], k: Int) -> Double {
        guard k > 0 else { return 0 }
        return Double(relevantCount(run, grades: grades, k: k)) / Double(k)
    }

    /// 1 / the rank of the first relevant document; 0 when the run holds none.
    public static func reciprocalRank(_ run: [String], grades: [String: Int]) -> Double {
        guard let index = run.firstIndex(where: { (grades[$0] ?? 0) > 0 }) else { return 0 }
        return 1 / Double(index + 1)
    }

    /// Discounted cumulative gain of the first `k` over that of the ideal ranking; 0 when none is relevant.
    public static func ndcg(_ run: [String], grades: [String: Int], k: Int) -> Double {
        let ideal = dcg(grades.values.filter { $0 > 0 }.sorted(by: >), k: k)
        guard ideal > 0 else { return 0 }
        return dcg(run.map { max(grades[$0] ?? 0, 0) }, k: k) / ideal
    }

    private static func relevantCount(_ run: [String], grades: [String: Int], k: Int) -> Int {
        run.prefix(max(k, 0)).filter { (grades[$0] ?? 0) > 0 }.count
    }

    private static func dcg(_ gains: [Int], k: Int) -> Double {
        var sum = 0.0
        for (index, gain) in gains.prefix(max(k, 0)).enumerated() where gain > 0 {
            sum += Double(gain) / log2(Double(index + 2))
        }
        return sum
    }
}
