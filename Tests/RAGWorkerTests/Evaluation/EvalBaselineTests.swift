import Testing

@testable import RAGWorker

@Suite("eval baseline comparison")
struct EvalBaselineTests {
    private static func result(_ values: [String: Double]) -> EvalResult {
        let jobs = values.map { id, ndcg in
            EvalResult.Job(jobID: id, file: "\(id).json", noMatch: false, stages: ["rerank": ["ndcg@5": ndcg, "mrr": 1]],
                           runs: [:], latencyMs: 1, embeddingTokens: nil, proposal: nil)
        }
        return EvalResult(set: "set", cutoffs: [5], providers: [], jobs: jobs, mean: EvalResult.means(jobs), proposalMean: nil)
    }

    @Test("a mean that falls by more than the tolerance is named with the jobs that got worse, largest drop first")
    func regression() throws {
        let baseline = Self.result(["a": 1, "b": 0.8, "c": 0.6])
        let current = Self.result(["a": 0.5, "b": 0.7, "c": 0.6])
        let found = try EvalBaseline.regressions(current: current, baseline: baseline, tolerance: 0.01)
        #expect(found.count == 1)
        let regression = try #require(found.first)
        #expect(regression.stage == "rerank" && regression.metric == "ndcg@5")
        #expect(regression.worseJobs.map(\.0) == ["a", "b"])
        #expect(regression.description.hasPrefix("rerank ndcg@5: 0.8000 → 0.6000; worse in 2 jobs: a (1.0000 → 0.5000), b"))
    }

    @Test("a drop within the tolerance and a rise pass")
    func withinTolerance() throws {
        let baseline = Self.result(["a": 0.8, "b": 0.8])
        #expect(try EvalBaseline.regressions(current: Self.result(["a": 0.79, "b": 0.8]), baseline: baseline, tolerance: 0.01).isEmpty)
        #expect(try EvalBaseline.regressions(current: Self.result(["a": 1, "b": 1]), baseline: baseline, tolerance: 0).isEmpty)
    }

    @Test("a baseline metric the run lacks (another --k) is a mismatch, not a pass")
    func mismatch() {
        let baseline = Self.result(["a": 0.8])
        var current = Self.result(["a": 0.8])
        current.mean["rerank"]?["ndcg@5"] = nil
        #expect(throws: EvalBaseline.Mismatch.self) { try EvalBaseline.regressions(current: current, baseline: baseline, tolerance: 0.01) }
    }
}
