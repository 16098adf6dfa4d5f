import Foundation

/// The quality, cost and failures-by-cause sections of the report in Markdown, CSV rows and
/// HTML (with their charts); ``LatencyReportRenderer`` and ``LatencyReportHTML`` include them.
enum ReportSectionsRenderer {
    // MARK: Markdown

    static func markdown(_ report: LatencyReport) -> [String] {
        var lines = ["", "## Quality", ""]
        if let quality = report.quality {
            lines += [
                "| Measure | Value |", "|---|---|",
                "| Proposals assessed | \(quality.proposals) (\(quality.withClaims) with claims about past work) |",
                "| Groundedness p10 / p50 / mean | \(score(quality.groundednessP10)) / \(score(quality.groundedness.p50)) / \(score(quality.groundedness.mean)) |",
                "| Grounded (≥ \(score(quality.threshold))) | \(LatencyReportRenderer.percent(quality.shareGrounded)) |",
                "| Screening questions answered | \(coverageText(quality)) |",
                "| Unsupported claims | \(quality.unsupportedClaims) |",
                "| Proposals outside the asked length | \(quality.lengthOutOfRange) |",
                "| Schema repairs | \(quality.repairs) |",
                "| Guard blocks | \(quality.guardBlocks) |",
                "| Degraded jobs | \(degradedText(quality)) |",
            ]
            if quality.distribution.contains(where: { $0.count > 0 }) {
                lines += ["", "| Groundedness | Proposals |", "|---|---:|"]
                lines += quality.distribution.map { "| \(score($0.lower))–\(score($0.upper)) | \($0.count) |" }
            }
        } else {
            lines.append("No proposal with quality signals in this range.")
        }
        lines += ["", "## Cost", ""]
        if let cost = report.cost {
            lines += [
                "| Measure | Value |", "|---|---|",
                "| Jobs priced | \(cost.jobs) |",
                "| Total | \(usd(cost.totalUSD)) |",
                "| Per job p50 / p90 / max | \(usd(cost.perJob.p50)) / \(usd(cost.perJob.p90)) / \(usd(cost.perJob.maximum)) |",
                "| Models without a price (priced 0) | \(cost.unpricedModels.isEmpty ? "none" : cost.unpricedModels.joined(separator: ", ")) |",
                "", "| Day (UTC) | Jobs | Spend |", "|---|---:|---:|",
            ]
            lines += cost.perDay.map { "| \(day($0.day)) | \($0.jobs) | \(usd($0.usd)) |" }
            lines += ["", "| Model | Input tokens | Output tokens | Search units |", "|---|---:|---:|---:|"]
            lines += cost.tokensByModel.map { "| \($0.model) | \($0.inputTokens) | \($0.outputTokens) | \($0.searchUnits) |" }
        } else {
            lines.append("No job with a recorded cost in this range.")
        }
        lines += ["", "## Failures by cause", ""]
        if report.failures.isEmpty {
            lines.append(report.failed == 0 ? "No failed jobs." : "No cause recorded for the failed jobs (see the notes).")
        } else {
            lines += ["| Error code | Stage | Provider | Jobs | Share |", "|---|---|---|---:|---:|"]
            lines += report.failures.map {
                "| \($0.code) | \($0.stage ?? "–") | \($0.provider ?? "–") | \($0.count) | \(LatencyReportRenderer.percent($0.share)) |"
            }
        }
        if !report.notes.isEmpty {
            lines += ["", "## Notes", ""] + report.notes.map { "- \($0)" }
        }
        return lines
    }

    // MARK: CSV

    static func csvRows(_ report: LatencyReport, add: (String, String, String, Double?) -> Void) {
        if let quality = report.quality {
            add("quality", "proposals", "count", Double(quality.proposals))
            add("quality", "proposals", "with_claims", Double(quality.withClaims))
            add("quality", "groundedness", "p10", quality.groundednessP10)
            add("quality", "groundedness", "p50", quality.groundedness.p50)
            add("quality", "groundedness", "p90", quality.groundedness.p90)
            add("quality", "groundedness", "mean", quality.groundedness.mean)
            add("quality", "groundedness", "share_at_or_above_\(number(quality.threshold))", quality.shareGrounded)
            add("quality", "questions", "asked", Double(quality.questionsAsked))
            add("quality", "questions", "unanswered", Double(quality.questionsUnanswered))
            add("quality", "questions", "coverage", quality.questionCoverage)
            add("quality", "claims", "unsupported", Double(quality.unsupportedClaims))
            add("quality", "length", "out_of_range", Double(quality.lengthOutOfRange))
            add("quality", "repairs", "count", Double(quality.repairs))
            add("quality", "guard_blocks", "count", Double(quality.guardBlocks))
            for stage in quality.degraded { add("quality", "degraded", stage.stage, Double(stage.count)) }
            for bucket in quality.distribution { add("groundedness_distribution", "\(number(bucket.lower))-\(number(bucket.upper))", "count", Double(bucket.count)) }
        }
        if let cost = report.cost {
            add("cost", "jobs", "count", Double(cost.jobs))
            add("cost", "total", "usd", cost.totalUSD)
            add("cost", "per_job", "p50_usd", cost.perJob.p50)
            add("cost", "per_job", "p90_usd", cost.perJob.p90)
            add("cost", "per_job", "max_usd", cost.perJob.maximum)
            for spend in cost.perDay {
                add("cost_per_day", day(spend.day), "usd", spend.usd)
                add("cost_per_day", day(spend.day), "jobs", Double(spend.jobs))
            }
            for model in cost.tokensByModel {
                add("tokens", model.model, "input", Double(model.inputTokens))
                add("tokens", model.model, "output", Double(model.outputTokens))
                add("tokens", model.model, "search_units", Double(model.searchUnits))
            }
        }
        for cause in report.failures {
            let name = [cause.code, cause.stage ?? "", cause.provider ?? ""].joined(separator: "/")
            add("failures", name, "count", Double(cause.count))
            add("failures", name, "share", cause.share)
        }
    }

    // MARK: HTML

    static func html(_ report: LatencyReport) -> String {
        var html = "<h2>Quality</h2>"
        if let quality = report.quality {
            html += "<div class=\"kpi\"><div>Groundedness p50<b>\(score(quality.groundedness.p50))</b></div>"
                + "<div>Grounded (≥ \(score(quality.threshold)))<b>\(LatencyReportRenderer.percent(quality.shareGrounded))</b></div>"
                + "<div>Questions answered<b>\(LatencyReportRenderer.percent(quality.questionCoverage))</b></div>"
                + "<div>Repairs<b>\(quality.repairs)</b></div><div>Guard blocks<b>\(quality.guardBlocks)</b></div></div>"
            html += groundednessChart(quality)
            html += table(["Measure", "Value"], [
                ["Proposals assessed", "\(quality.proposals) (\(quality.withClaims) with claims)"],
                ["Groundedness p10 / p50 / mean", "\(score(quality.groundednessP10)) / \(score(quality.groundedness.p50)) / \(score(quality.groundedness.mean))"],
                ["Screening questions answered", coverageText(quality)],
                ["Unsupported claims", "\(quality.unsupportedClaims)"],
                ["Proposals outside the asked length", "\(quality.lengthOutOfRange)"],
                ["Schema repairs", "\(quality.repairs)"], ["Guard blocks", "\(quality.guardBlocks)"],
                ["Degraded jobs", degradedText(quality)],
            ])
        } else {
            html += "<p>No proposal with quality signals in this range.</p>"
        }
        html += "<h2>Cost</h2>"
        if let cost = report.cost {
            html += "<div class=\"kpi\"><div>Total<b>\(SVGChart.escape(usd(cost.totalUSD)))</b></div>"
                + "<div>Per job p50<b>\(SVGChart.escape(usd(cost.perJob.p50)))</b></div>"
                + "<div>Per job p90<b>\(SVGChart.escape(usd(cost.perJob.p90)))</b></div>"
                + "<div>Per job max<b>\(SVGChart.escape(usd(cost.perJob.maximum)))</b></div></div>"
            let bars = cost.perDay.map { SVGChart.Bar(label: String(day($0.day).dropFirst(5)), value: $0.usd, note: usd($0.usd)) }
            html += SVGChart.bars(bars, title: "Model spend per day (USD)", unit: "$")
            html += table(["Model", "Input tokens", "Output tokens", "Search units"], cost.tokensByModel.map {
                [$0.model, "\($0.inputTokens)", "\($0.outputTokens)", "\($0.searchUnits)"]
            })
            if !cost.unpricedModels.isEmpty {
                html += "<p>Models without a price (priced 0): \(SVGChart.escape(cost.unpricedModels.joined(separator: ", "))).</p>"
            }
        } else {
            html += "<p>No job with a recorded cost in this range.</p>"
        }
        html += "<h2>Failures by cause</h2>"
        if report.failures.isEmpty {
            html += "<p>\(report.failed == 0 ? "No failed jobs." : "No cause recorded for the failed jobs (see the notes).")</p>"
        } else {
            html += table(["Error code", "Stage", "Provider", "Jobs", "Share"], report.failures.map {
                [$0.code, $0.stage ?? "–", $0.provider ?? "–", "\($0.count)", LatencyReportRenderer.percent($0.share)]
            })
        }
        if !report.notes.isEmpty {
            html += "<h2>Notes</h2><ul>" + report.notes.map { "<li>\(SVGChart.escape($0))</li>" }.joined() + "</ul>"
        }
        return html
    }

    /// The distribution (ring buffer) or the percentiles (CloudWatch), with the threshold line.
    private static func groundednessChart(_ quality: QualitySection) -> String {
        if quality.distribution.contains(where: { $0.count > 0 }) {
            let bars = quality.distribution.map {
                SVGChart.Bar(label: "\(score($0.lower))–\(score($0.upper))", value: Double($0.count), note: "\($0.count)")
            }
            return SVGChart.bars(bars, title: "Proposals by groundedness (share of claims supported)", unit: "")
        }
        let points: [(String, Double?)] = [("p10", quality.groundednessP10), ("p50", quality.groundedness.p50),
                                            ("p90", quality.groundedness.p90), ("mean", quality.groundedness.mean)]
        let bars = points.compactMap { name, value in value.map { SVGChart.Bar(label: name, value: $0, note: score($0)) } }
        return SVGChart.bars(bars, title: "Groundedness of proposals", unit: "", threshold: quality.threshold,
                             thresholdLabel: "grounded at \(score(quality.threshold))")
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><tr>" + header.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
            + rows.map { "<tr>" + $0.map { "<td>\(SVGChart.escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
    }

    // MARK: Formats

    static func coverageText(_ quality: QualitySection) -> String {
        guard let coverage = quality.questionCoverage else { return "no questions asked" }
        return "\(LatencyReportRenderer.percent(coverage)) (\(quality.questionsAsked - quality.questionsUnanswered) of \(quality.questionsAsked))"
    }

    static func degradedText(_ quality: QualitySection) -> String {
        quality.degraded.map { "\($0.stage) \($0.count)" }.joined(separator: ", ")
    }

    static func score(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "n/a"
    }

    /// Dollars: cents above $1, six decimals below (one job costs fractions of a cent).
    static func usd(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return value >= 1 ? String(format: "$%.2f", value) : String(format: "$%.6f", value)
    }

    static func day(_ date: Date) -> String { String(ReportTime.format(date).prefix(10)) }

    static func number(_ value: Double) -> String { LatencyReportRenderer.number(value) }
}
