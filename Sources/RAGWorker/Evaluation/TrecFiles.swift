import Foundation
import RAGPipeline

/// `eval --trec-out DIR`: the set's judgments as a TREC qrels file and one TREC run file per
/// retrieval stage, so trec_eval (or any IR tool) recomputes the numbers `eval` prints.
///
/// `qrels.txt` lines are `job_id 0 document grade`, for the jobs with at least one relevant
/// document; `run-<stage>.txt` lines are `job_id Q0 document rank score <stage>`. Scores are
/// written in full (shortest round-trip) precision, so trec_eval ranks exactly as `eval` did.
enum TrecFiles {
    /// An id TREC's whitespace-separated lines cannot carry.
    struct UnwritableID: Error, CustomStringConvertible {
        var id: String
        var description: String { "the id \"\(id)\" contains white space, which TREC files cannot hold" }
    }

    static func write(_ result: EvalResult, cases: [EvalCase], to directory: URL) throws {
        let ids = cases.map(\.job.jobID) + cases.flatMap(\.grades.keys) + result.jobs.flatMap { $0.runs.values.flatMap { $0.map(\.document) } }
        if let bad = ids.first(where: { $0.contains(where: \.isWhitespace) }) { throw UnwritableID(id: bad) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var qrels = ""
        for evalCase in cases where !evalCase.isNoMatch {
            for (document, grade) in evalCase.grades.sorted(by: { $0.key < $1.key }) {
                qrels += "\(evalCase.job.jobID) 0 \(document) \(grade)\n"
            }
        }
        try Data(qrels.utf8).write(to: directory.appendingPathComponent("qrels.txt"))
        for stage in RetrievalStages.Stage.allCases {
            var run = ""
            for job in result.jobs {
                for (index, entry) in (job.runs[stage.rawValue] ?? []).enumerated() {
                    run += "\(job.jobID) Q0 \(entry.document) \(index + 1) \(entry.score) \(stage.rawValue)\n"
                }
            }
            try Data(run.utf8).write(to: directory.appendingPathComponent("run-\(stage.rawValue).txt"))
        }
    }
}
