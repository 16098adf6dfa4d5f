import Curl
import Foundation
import RAGPipeline

/// What `rag-worker eval` measured: per job and averaged, per retrieval stage. Its JSON form is
/// `--json`'s output and the baseline file's format.
struct EvalResult: Sendable, Codable, Equatable {
    /// Metric name (`recall@5`, `precision@5`, `ndcg@5`, `mrr`) → value.
    typealias Scores = [String: Double]

    struct Job: Sendable, Codable, Equatable {
        var jobID: String
        var file: String
        /// No document is graded relevant: left out of the retrieval means.
        var noMatch: Bool
        /// Stage name (`retrieve`, `keyword-boost`, `rerank`) → scores; empty for a no-match job.
        var stages: [String: Scores]
        /// Ranked documents per stage, best first: what `--trec-out` writes (not in the JSON).
        var runs: [String: [DocumentRun.Entry]] = [:]
        var latencyMs: Double
        var embeddingTokens: Int?
        /// With `--stages all`: the proposal's signals.
        var proposal: ProposalScores?

        enum CodingKeys: String, CodingKey {
            case file, stages, proposal
            case jobID = "job_id"
            case noMatch = "no_match"
            case latencyMs = "latency_ms"
            case embeddingTokens = "embedding_tokens"
        }
    }

    var set: String
    var cutoffs: [Int]
    /// Provider per stage, e.g. `embed: local:lexical-hash-v1`.
    var providers: [String]
    var jobs: [Job]
    /// Stage → metric → mean over the jobs with at least one relevant document.
    var mean: [String: Scores]
    /// With `--stages all`: means of the proposal signals.
    var proposalMean: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case set, cutoffs, providers, jobs, mean
        case proposalMean = "proposal_mean"
    }

    /// Metric names in report order for `cutoffs`.
    static func metricNames(cutoffs: [Int]) -> [String] {
        cutoffs.map { "recall@\($0)" } + cutoffs.map { "precision@\($0)" } + cutoffs.map { "ndcg@\($0)" } + ["mrr"]
    }

    /// The scores of one ranked run.
    static func scores(_ run: [String], grades: [String: Int], cutoffs: [Int]) -> Scores {
        var scores: Scores = ["mrr": RetrievalMetrics.reciprocalRank(run, grades: grades)]
        for k in cutoffs {
            scores["recall@\(k)"] = RetrievalMetrics.recall(run, grades: grades, k: k)
            scores["precision@\(k)"] = RetrievalMetrics.precision(run, grades: grades, k: k)
            scores["ndcg@\(k)"] = RetrievalMetrics.ndcg(run, grades: grades, k: k)
        }
        return scores
    }

    /// Scores every stage of one job.
    static func job(_ evalCase: EvalCase, stages: RetrievalStages, cutoffs: [Int]) -> Job {
        var scores: [String: Scores] = [:]
        var runs: [String: [DocumentRun.Entry]] = [:]
        for (stage, run) in stages.runs {
            runs[stage.rawValue] = run.entries
            if !evalCase.isNoMatch { scores[stage.rawValue] = Self.scores(run.documents, grades: evalCase.grades, cutoffs: cutoffs) }
        }
        return Job(jobID: evalCase.job.jobID, file: evalCase.file, noMatch: evalCase.isNoMatch, stages: scores, runs: runs,
                   latencyMs: stages.duration.seconds * 1_000, embeddingTokens: stages.embeddingTokens, proposal: nil)
    }

    /// Stage → metric → mean over the judged jobs.
    static func means(_ jobs: [Job]) -> [String: Scores] {
        let judged = jobs.filter { !$0.noMatch }
        var sums: [String: Scores] = [:]
        for job in judged {
            for (stage, scores) in job.stages {
                for (metric, value) in scores { sums[stage, default: [:]][metric, default: 0] += value }
            }
        }
        return sums.mapValues { $0.mapValues { $0 / Double(max(judged.count, 1)) } }
    }
}

extension RetrievalStages.Stage {
    /// How the table names the stage.
    var label: String {
        switch self {
        case .retrieve: "retrieve (similarity)"
        case .keywordBoost: "+ keyword boost"
        case .rerank: "+ rerank"
        }
    }
}
