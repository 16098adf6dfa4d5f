import Foundation

/// Renders post-mortems as text for a terminal or as JSON for tools.
///
/// In text, every value read from the ring buffer (job ids, span and log names, error codes,
/// details) is printed through ``TerminalText``: a provider's error code holding an escape
/// sequence or a line break shows as `\u{1B}` or `\u{A}` instead of acting on the terminal or
/// forging a line.
public enum PostmortemRenderer {
    public static func text(_ report: PostmortemReport) -> String {
        var lines = [
            "Post-mortem \(ReportTime.format(report.range.start)) .. \(ReportTime.format(report.range.end)): "
                + "\(report.jobCount) job\(report.jobCount == 1 ? "" : "s"), \(report.failed.count) failed shown",
            "",
            "Slowest jobs",
        ]
        if report.slowest.isEmpty {
            lines.append("  (no finished jobs in the ring buffer for this range)")
        } else {
            lines += table(["JOB", "TOTAL", "QUEUE", "OUTCOME", "ERROR", "TRACE"], report.slowest.map { run in
                [run.jobID, seconds(run.endToEndSeconds), seconds(run.queueWaitSeconds), run.outcome, run.errorCode ?? "-", run.traceID]
            })
        }
        lines += ["", "Failed jobs"]
        if report.failed.isEmpty { lines.append("  (none)") }
        for timeline in report.failed {
            lines.append("")
            lines += text(timeline).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func text(_ timeline: JobTimeline) -> String {
        var header = "job \(timeline.jobID ?? "?") (trace \(timeline.traceID))"
        if let run = timeline.run {
            header += ": \(run.outcome)"
            if let code = run.errorCode { header += ", error \(code)" }
            header += " after \(seconds(run.endToEndSeconds))"
        }
        if !timeline.linkedTraces.isEmpty {
            header += "; the caller's trace: \(timeline.linkedTraces.joined(separator: ", "))"
        }
        var lines = [TerminalText.escaped(header)]
        if let run = timeline.run {
            lines += qualityAndCost(run).map { TerminalText.escaped($0) }
        }
        if let failing = timeline.failingEntry {
            var cause = "  went wrong in \(failing.stage ?? failing.name)"
            if let provider = failing.provider { cause += ", provider \(provider)" }
            if let attempts = failing.attempts { cause += ", \(attempts) attempt\(attempts == 1 ? "" : "s")" }
            if let code = failing.errorCode { cause += ", error \(code)" }
            if let detail = failing.detail { cause += ": \(detail)" }
            lines.append(TerminalText.escaped(cause))
        }
        lines += table(["OFFSET", "DURATION", "STATUS", "SPAN", "STAGE", "PROVIDER", "TRY", "ERROR / DETAIL"], timeline.entries.map { entry in
            let detail = [entry.errorCode, entry.detail].compactMap { $0 }.joined(separator: " ")
            return [
                "+" + seconds(entry.offsetSeconds, compact: true), entry.durationSeconds.map { seconds($0, compact: true) } ?? "",
                entry.status, entry.name, entry.stage ?? "", entry.provider ?? "", entry.attempts.map(String.init) ?? "",
                String(detail.prefix(200)),
            ]
        })
        return lines.joined(separator: "\n")
    }

    /// The run's quality signals and cost, two or more lines under a job's header.
    static func qualityAndCost(_ run: JobRun) -> [String] {
        var lines: [String] = []
        if let quality = run.quality {
            var text = "  quality: groundedness \(quality.groundedness.map { String(format: "%.2f", $0) } ?? "n/a (no claims)")"
            text += " (\(quality.claims - quality.unsupportedClaims) of \(quality.claims) claims supported)"
            text += ", questions \(quality.questionsAnswered)/\(quality.questionsAsked) answered"
            if let words = quality.words { text += ", \(words) words\(quality.lengthWithinRange == false ? " (outside the asked range)" : "")" }
            text += ", repairs \(quality.repairs), guard blocks \(quality.guardBlocks)"
            text += ", degraded \(quality.degradedStages.isEmpty ? "none" : quality.degradedStages.joined(separator: ","))"
            lines.append(text)
            for sentence in quality.unsupportedSentences {
                lines.append("    unsupported: \(sentence.prefix(300))")
            }
        }
        if let cost = run.cost {
            var text = "  cost: \(ReportSectionsRenderer.usd(cost.costUSD)), \(cost.inputTokens) input and \(cost.outputTokens) output tokens"
            if cost.searchUnits > 0 { text += ", \(cost.searchUnits) search unit\(cost.searchUnits == 1 ? "" : "s")" }
            if !cost.unpricedModels.isEmpty { text += " (no price for \(cost.unpricedModels.joined(separator: ", ")): priced 0)" }
            lines.append(text)
        }
        return lines
    }

    /// The least grounded proposals, worst first, with their unsupported sentences.
    public static func worstGrounded(_ runs: [JobRun], range: ReportRange) -> String {
        var lines = ["Least grounded proposals \(ReportTime.format(range.start)) .. \(ReportTime.format(range.end))"]
        if runs.isEmpty { lines.append("  (no proposal with claims about past work in the ring buffer for this range)") }
        for run in runs {
            lines.append("")
            lines.append(TerminalText.escaped("job \(run.jobID) (trace \(run.traceID))"))
            lines += qualityAndCost(run).map { TerminalText.escaped($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pretty-printed JSON with sorted keys.
    public static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    static func seconds(_ value: Double, compact: Bool = false) -> String {
        let text = String(format: value < 10 ? "%.3f" : "%.2f", value)
        return compact ? text + "s" : text + " s"
    }

    /// A header and rows, each column as wide as its widest cell (escaped) plus two spaces, so
    /// a long provider name or job id pushes its column out instead of the ones after it; the
    /// last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let escaped = ([header] + rows).map { $0.map { TerminalText.escaped($0) } }
        var widths = Array(repeating: 0, count: header.count)
        for row in escaped {
            for (column, cell) in row.enumerated() where column < widths.count - 1 {
                widths[column] = max(widths[column], cell.count + 2)
            }
        }
        return escaped.map { row in
            "  " + zip(row, widths).map { cell, width in
                width == 0 ? cell : cell + String(repeating: " ", count: width - cell.count)
            }.joined().trimmingCharacters(in: .whitespaces)
        }
    }
}

extension ReportTime {
    static func format(_ date: Date) -> String {
        format(nanoseconds: UInt64(max(date.timeIntervalSince1970, 0) * 1e9))
    }
}
