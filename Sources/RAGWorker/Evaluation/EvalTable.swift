import Foundation
import RAGPipeline

/// The table `rag-worker eval` prints for people: the first cutoff's nDCG, recall and
/// reciprocal rank of every judged job at each stage, then the means of every metric by stage.
enum EvalTable {
    static func text(_ result: EvalResult) -> String {
        let stages = RetrievalStages.Stage.allCases
        let k = result.cutoffs.first ?? 5
        var lines = ["RAG Worker offline evaluation — \(result.set)"]
        lines += result.providers.map { "  \($0)" }
        let judged = result.jobs.filter { !$0.noMatch }
        lines.append("")
        lines.append("Per job (nDCG@\(k) by stage; recall@\(k) and RR after rerank):")
        let width = max(12, (result.jobs.map(\.jobID.count).max() ?? 0))
        lines.append(pad("job", width) + "  retrieve  +boost  +rerank  R@\(k)    RR      ms")
        for job in result.jobs {
            var line = pad(job.jobID, width)
            if job.noMatch {
                line += "  (matches no past work)"
            } else {
                for stage in stages { line += "  " + fixed4(job.stages[stage.rawValue]?["ndcg@\(k)"] ?? 0) }
                line += "  " + fixed4(job.stages["rerank"]?["recall@\(k)"] ?? 0)
                line += "  " + fixed4(job.stages["rerank"]?["mrr"] ?? 0)
            }
            line += "  " + String(format: "%6.1f", job.latencyMs)
            lines.append(line)
        }
        lines.append("")
        lines.append("Means over \(judged.count) judged jobs (\(result.jobs.count - judged.count) match no past work):")
        let labelWidth = stages.map(\.label.count).max() ?? 20
        let metrics = EvalResult.metricNames(cutoffs: result.cutoffs)
        lines.append(pad("stage", labelWidth) + metrics.map { "  " + pad($0, 12) }.joined())
        for stage in stages {
            lines.append(pad(stage.label, labelWidth) + metrics.map { "  " + pad(fixed4(result.mean[stage.rawValue]?[$0] ?? 0), 12) }.joined())
        }
        if let proposal = result.proposalMean {
            lines.append("")
            lines.append("Proposals (means):")
            for (name, value) in proposal.sorted(by: { $0.key < $1.key }) {
                lines.append("  " + pad(name, 28) + fixed4(value))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
