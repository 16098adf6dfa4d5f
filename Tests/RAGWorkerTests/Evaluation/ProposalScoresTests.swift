import Testing

@testable import RAGWorker

@Suite("eval proposal scores")
struct ProposalScoresTests {
    @Test("facts are found ignoring case and line breaks; none listed is no score, not a perfect one")
    func facts() {
        let text = "I stored the vectors in Postgres with PGVECTOR and measured\nrecall at 5 on an evaluation set."
        #expect(ProposalScores.factsMentioned(["pgvector", "recall at 5", "Cohere Rerank"], in: text) == 2.0 / 3.0)
        #expect(ProposalScores.factsMentioned(["evaluation  set"], in: text) == 1)
        #expect(ProposalScores.factsMentioned([], in: text) == nil)
    }

    @Test("the fit score is averaged apart for jobs with and without relevant past work")
    func fitSplit() {
        func job(_ id: String, noMatch: Bool, fit: Int) -> EvalResult.Job {
            let scores = ProposalScores(groundedness: nil, questionCoverage: nil, words: 100, lengthWithinRange: true, guardBlocked: false,
                                        fitScore: fit, factsMentioned: nil, inputTokens: 0, outputTokens: 0, costUSD: 0)
            return EvalResult.Job(jobID: id, file: id, noMatch: noMatch, stages: [:], latencyMs: 1, embeddingTokens: nil, proposal: scores)
        }
        let means = ProposalScores.means([job("a", noMatch: false, fit: 80), job("b", noMatch: false, fit: 60), job("c", noMatch: true, fit: 10)])
        #expect(means["fit_score_matching"] == 70)
        #expect(means["fit_score_no_match"] == 10)
        #expect(means["groundedness"] == nil, "no proposal had claims to ground")
        #expect(means["guard_blocks"] == 0)
    }
}
