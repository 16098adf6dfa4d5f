import Foundation

/// `eval --baseline FILE --tolerance X`: a committed ``EvalResult`` (its `--json` form) that the
/// current means may not fall below by more than the tolerance.
enum EvalBaseline {
    /// One mean that dropped too far, and the jobs whose value for it dropped at all.
    struct Regression: Sendable, Equatable, CustomStringConvertible {
        var stage: String
        var metric: String
        var baseline: Double
        var current: Double
        /// Job id, baseline value, current value; the largest drops first.
        var worseJobs: [(String, Double, Double)]

        static func == (lhs: Regression, rhs: Regression) -> Bool {
            lhs.stage == rhs.stage && lhs.metric == rhs.metric && lhs.baseline == rhs.baseline && lhs.current == rhs.current
                && lhs.worseJobs.map(\.0) == rhs.worseJobs.map(\.0)
        }

        var description: String {
            let jobs = worseJobs.prefix(10).map { "\($0.0) (\(fixed4($0.1)) → \(fixed4($0.2)))" }.joined(separator: ", ")
            let more = worseJobs.count > 10 ? " and \(worseJobs.count - 10) more" : ""
            return "\(stage) \(metric): \(fixed4(baseline)) → \(fixed4(current)); worse in \(worseJobs.count) job\(worseJobs.count == 1 ? "" : "s"): \(jobs)\(more)"
        }
    }

    /// A baseline that cannot be compared with.
    struct Mismatch: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ path: String) throws -> EvalResult {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Mismatch(description: "cannot read the baseline \(path)")
        }
        do {
            return try JSONDecoder().decode(EvalResult.self, from: data)
        } catch {
            throw Mismatch(description: "\(path) is not an `rag-worker eval --json` result: \(error)")
        }
    }

    /// The means of `baseline` that `current` lowers by more than `tolerance`. Metrics of the
    /// baseline that `current` lacks (another `--k`) are a mismatch, not a pass.
    static func regressions(current: EvalResult, baseline: EvalResult, tolerance: Double) throws -> [Regression] {
        var found: [Regression] = []
        for (stage, metrics) in baseline.mean.sorted(by: { $0.key < $1.key }) {
            for (metric, before) in metrics.sorted(by: { $0.key < $1.key }) {
                guard let now = current.mean[stage]?[metric] else {
                    throw Mismatch(description: "the baseline has \(stage) \(metric), this run does not (run with the baseline's --k \(baseline.cutoffs.map(String.init).joined(separator: ",")))")
                }
                guard now < before - tolerance else { continue }
                let previous = Dictionary(baseline.jobs.map { ($0.jobID, $0) }, uniquingKeysWith: { first, _ in first })
                let worse = current.jobs.compactMap { job -> (String, Double, Double)? in
                    guard let was = previous[job.jobID]?.stages[stage]?[metric], let value = job.stages[stage]?[metric],
                          value < was - 1e-12 else { return nil }
                    return (job.jobID, was, value)
                }.sorted { ($0.1 - $0.2) > ($1.1 - $1.2) }
                found.append(Regression(stage: stage, metric: metric, baseline: before, current: now, worseJobs: worse))
            }
        }
        return found
    }
}

func fixed4(_ value: Double) -> String {
    String(format: "%.4f", value)
}
