import Testing

@testable import RAGPipeline

@Suite("Retrieval metrics (trec_eval definitions)")
struct RetrievalMetricsTests {
    /// b (grade 2) at rank 2, d (grade 1) at rank 4; x (grade 2) was never retrieved; e is judged 0.
    private let run = ["a", "b", "c", "d", "e"]
    private let grades = ["b": 2, "d": 1, "x": 2, "e": 0]

    @Test("recall@k counts relevant documents in the first k over all relevant ones, retrieved or not")
    func recall() {
        #expect(RetrievalMetrics.recall(run, grades: grades, k: 5) == 2.0 / 3.0)
        #expect(RetrievalMetrics.recall(run, grades: grades, k: 2) == 1.0 / 3.0)
        #expect(RetrievalMetrics.recall(run, grades: grades, k: 1) == 0)
        #expect(RetrievalMetrics.recall(run, grades: ["e": 0], k: 5) == 0)
    }

    @Test("precision@k divides by k even when the run is shorter")
    func precision() {
        #expect(RetrievalMetrics.precision(run, grades: grades, k: 5) == 2.0 / 5.0)
        #expect(RetrievalMetrics.precision(run, grades: grades, k: 10) == 2.0 / 10.0)
        #expect(RetrievalMetrics.precision(run, grades: grades, k: 0) == 0)
    }

    @Test("reciprocal rank is 1 over the rank of the first relevant document, 0 without one")
    func reciprocalRank() {
        #expect(RetrievalMetrics.reciprocalRank(run, grades: grades) == 0.5)
        #expect(RetrievalMetrics.reciprocalRank(["b"], grades: grades) == 1)
        #expect(RetrievalMetrics.reciprocalRank(["a", "e"], grades: grades) == 0)
    }

    @Test("nDCG@k uses the grade as gain, log2(rank + 1) as discount, and every judged document for the ideal")
    func ndcg() {
        // DCG = 2/log2(3) + 1/log2(5); ideal = 2/log2(2) + 2/log2(3) + 1/log2(4).
        #expect(abs(RetrievalMetrics.ndcg(run, grades: grades, k: 5) - 0.4499200626718163) < 1e-12)
        // At k = 3 only b counts: 2/log2(3) over the ideal cut at 3 (2/log2(2) + 2/log2(3) + 1/log2(4)); trec_eval gives the same.
        #expect(abs(RetrievalMetrics.ndcg(run, grades: grades, k: 3) - 0.3354350434265105) < 1e-12)
        #expect(RetrievalMetrics.ndcg(["x", "b", "d"], grades: grades, k: 5) == 1)
        #expect(RetrievalMetrics.ndcg(run, grades: [:], k: 5) == 0)
    }

    @Test("a run is ranked as trec_eval reads it: score descending, ties by document id descending, best score per document")
    func runOrder() {
        let ranked = DocumentRun(scores: [
            .init(document: "a", score: 0.5), .init(document: "b", score: 0.5),
            .init(document: "c", score: 0.9), .init(document: "a", score: 0.2),
            .init(document: "d", score: 0.1), .init(document: "d", score: 0.95),
        ])
        #expect(ranked.documents == ["d", "c", "b", "a"])
        #expect(ranked.entries.first?.score == 0.95)
    }
}
