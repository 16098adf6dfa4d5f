import Foundation
import RAGPipeline
import Telemetry

/// The demo's printout: the proposal, the analysis, the references and where the time went.
struct DemoReport {
    let job: DemoClient.Job
    let delivered: Data?

    var text: String {
        var lines: [String] = []
        lines.append("Job \(job.jobID): \(job.status) (trace \(job.traceID))")
        if let result = job.result {
            lines.append("")
            lines.append("── Proposal (\(result.proposal.generatedBy)) ──")
            lines.append(result.proposal.text)
            for answer in result.proposal.answers {
                lines.append("")
                lines.append("Q: \(answer.question)")
                lines.append("A: \(answer.answer)")
            }
            lines.append("")
            lines.append("── Analysis ── fit \(result.analysis.fitScore)/100")
            result.analysis.fitReasons.forEach { lines.append("  + \($0)") }
            result.analysis.risks.forEach { lines.append("  ! \($0)") }
            if !result.references.isEmpty {
                lines.append("")
                lines.append("── References ──")
                for reference in result.references {
                    lines.append(String(format: "  %.3f  %@", reference.score, reference.title))
                }
            }
            result.degraded.forEach { lines.append("degraded: \($0)") }
        }
        if let error = job.error {
            lines.append("Failed at \(error.stage ?? "?"): \(error.code): \(error.message)")
        }
        lines.append("")
        lines.append("── Stage timings ──")
        for timing in job.stages {
            let provider = timing.provider.map { " (\($0))" } ?? ""
            let name = timing.stage.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
            lines.append("  \(name)" + String(format: "%9.1f ms", timing.milliseconds) + provider)
        }
        if let delivery = job.delivery {
            lines.append("")
            lines.append("Webhook: \(delivery.status) after \(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")\(delivery.lastError.map { " (\($0))" } ?? "")")
        }
        if let delivered, let object = try? JSONSerialization.jsonObject(with: delivered) as? [String: Any],
           let timings = object["timings"] as? [String: Any], let total = timings["total_ms"] as? Double {
            lines.append("End to end (accept → delivery document): \(Int(total)) ms")
        }
        // The proposal and the job's fields are model and caller text: printable, line breaks kept.
        return TerminalText.escaped(lines.joined(separator: "\n"), keepingLineBreaks: true)
    }
}
