import Foundation

/// The SLO summary as text for on-call (`rag-worker slo`), JSON, and the report's SLO section in
/// Markdown, CSV and HTML (with an SVG budget burn-down per SLO).
public enum SLOSummaryRenderer {
    // MARK: rag-worker slo

    /// A terminal answer: one block per SLO.
    public static func text(_ summary: SLOSummary) -> String {
        var lines = ["SLOs at \(ReportTime.format(summary.end)), from the \(sourceName(summary.source)) (\(summary.file))"]
        for slo in summary.objectives {
            lines.append("")
            lines.append("\(slo.name): \(slo.displayName) — objective \(SLONumber.percent(slo.target)) over \(SLODuration.text(slo.windowSeconds))")
            if slo.status == "pending" {
                lines += slo.notes.map { "  \($0)" }
                continue
            }
            lines.append("  attainment    \(percent(slo.attainment)) (\(count(slo.good)) good of \(count(slo.total)))")
            lines.append("  budget left   \(count(slo.budgetLeftEvents)) of \(count(slo.budgetEvents)) events (\(percent(slo.budgetLeftShare)))")
            let burns = slo.burns.map { "\($0.window) \(burnText($0.burnRate))" }.joined(separator: ", ")
            lines.append("  burn rate     \(burns)")
            lines.append("  budget gone   \(exhaustionText(slo.exhaustionSeconds))")
            for cause in slo.causes {
                lines.append("  \(cause.outcome == "bad" ? "spent by" : "excluded")      \(cause.count) × \(cause.cause)"
                    + (cause.exampleJobs.isEmpty ? "" : " (e.g. \(cause.exampleJobs.prefix(3).joined(separator: ", ")))"))
            }
            lines += slo.notes.map { "  note: \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ summary: SLOSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
    }

    // MARK: The report's section

    public static func markdown(_ summary: SLOSummary) -> String {
        var text = "## Service level objectives\n\nFrom the \(sourceName(summary.source)), at \(ReportTime.format(summary.end)).\n\n"
        text += "| SLO | objective | window | attainment | good | total | budget left | burn 1h | burn 6h | burn 3d | budget gone |\n"
        text += "|---|---|---|---|---|---|---|---|---|---|---|\n"
        for slo in summary.objectives {
            guard slo.status != "pending" else {
                text += "| \(slo.name) | \(SLONumber.percent(slo.target)) | \(SLODuration.text(slo.windowSeconds)) | pending | – | – | – | – | – | – | – |\n"
                continue
            }
            let burns = slo.burns.map { burnText($0.burnRate) }
            text += "| \(slo.name) | \(SLONumber.percent(slo.target)) | \(SLODuration.text(slo.windowSeconds)) | \(percent(slo.attainment)) | "
                + "\(count(slo.good)) | \(count(slo.total)) | \(count(slo.budgetLeftEvents)) (\(percent(slo.budgetLeftShare))) | "
                + burns.joined(separator: " | ") + " | \(exhaustionText(slo.exhaustionSeconds)) |\n"
        }
        for slo in summary.objectives where slo.status != "pending" {
            text += "\n### \(slo.name): what spent the budget\n\n"
            if slo.causes.isEmpty {
                text += "Nothing: no bad event in the window.\n"
            } else {
                text += "| outcome | cause | events | jobs (examples) |\n|---|---|---|---|\n"
                for cause in slo.causes {
                    text += "| \(cause.outcome) | \(cause.cause) | \(cause.count) | \(cause.exampleJobs.joined(separator: ", ")) |\n"
                }
            }
            for note in slo.notes { text += "\n_\(note)_\n" }
        }
        return text
    }

    /// CSV rows: one per SLO (`slo,…`), per day (`slo_day,…`) and per cause (`slo_cause,…`).
    public static func csv(_ summary: SLOSummary) -> String {
        var rows = ["section,slo,objective,window_seconds,attainment,good,total,budget_events,budget_left_events,budget_left_share,burn_1h,burn_6h,burn_3d,exhaustion_seconds"]
        for slo in summary.objectives {
            let burns = slo.burns.map { number($0.burnRate) }
            rows.append((["slo", slo.name, number(slo.target), "\(slo.windowSeconds)", number(slo.attainment), number(slo.good), number(slo.total),
                          number(slo.budgetEvents), number(slo.budgetLeftEvents), number(slo.budgetLeftShare)] + burns + [number(slo.exhaustionSeconds)])
                .joined(separator: ","))
        }
        rows.append("section,slo,day_end,good,total,budget_left_share")
        for slo in summary.objectives {
            for day in slo.days {
                rows.append(["slo_day", slo.name, ReportTime.format(day.end), number(day.good), number(day.total), number(day.budgetLeftShare)].joined(separator: ","))
            }
        }
        rows.append("section,slo,outcome,cause,events,example_jobs")
        for slo in summary.objectives {
            for cause in slo.causes {
                rows.append(["slo_cause", slo.name, cause.outcome, csvField(cause.cause), "\(cause.count)",
                             csvField(cause.exampleJobs.joined(separator: " "))].joined(separator: ","))
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    /// The section as HTML: a table, then per SLO its burn-down chart and causes.
    public static func html(_ summary: SLOSummary) -> String {
        var html = "<h2>Service level objectives</h2><p>From the \(SVGChart.escape(sourceName(summary.source))), at \(SVGChart.escape(ReportTime.format(summary.end))).</p>"
        html += "<table><tr><th>SLO</th><th>Objective</th><th>Attainment</th><th>Good / total</th><th>Budget left</th><th>Burn 1h</th><th>Burn 6h</th><th>Burn 3d</th><th>Budget gone</th></tr>"
        for slo in summary.objectives {
            if slo.status == "pending" {
                html += "<tr><td>\(SVGChart.escape(slo.name))</td><td>\(SVGChart.escape(SLONumber.percent(slo.target)))</td><td colspan=\"7\">pending</td></tr>"
                continue
            }
            let burns = slo.burns.map { "<td>\(SVGChart.escape(burnText($0.burnRate)))</td>" }.joined()
            html += "<tr><td>\(SVGChart.escape(slo.name))</td><td>\(SVGChart.escape(SLONumber.percent(slo.target))) / \(SLODuration.text(slo.windowSeconds))</td>"
                + "<td>\(percent(slo.attainment))</td><td>\(count(slo.good)) / \(count(slo.total))</td>"
                + "<td>\(count(slo.budgetLeftEvents)) (\(percent(slo.budgetLeftShare)))</td>\(burns)<td>\(SVGChart.escape(exhaustionText(slo.exhaustionSeconds)))</td></tr>"
        }
        html += "</table>"
        for slo in summary.objectives where slo.status != "pending" {
            html += "<h3>\(SVGChart.escape(slo.name)): error budget left, day by day</h3>" + burnDown(slo)
            if !slo.causes.isEmpty {
                html += "<table><tr><th>Outcome</th><th>Cause</th><th>Events</th><th>Jobs (examples)</th></tr>"
                for cause in slo.causes {
                    html += "<tr><td>\(SVGChart.escape(cause.outcome))</td><td>\(SVGChart.escape(cause.cause))</td><td>\(cause.count)</td>"
                        + "<td>\(SVGChart.escape(cause.exampleJobs.joined(separator: ", ")))</td></tr>"
                }
                html += "</table>"
            }
            for note in slo.notes { html += "<p><em>\(SVGChart.escape(note))</em></p>" }
        }
        return html
    }

    /// `page` (the latency report's HTML) with the SLO section before its end.
    public static func appending(_ summary: SLOSummary, toPage page: String) -> String {
        guard let end = page.range(of: "</body>", options: .backwards) else { return page + html(summary) }
        return page.replacingCharacters(in: end, with: html(summary) + "\n</body>")
    }

    /// The budget left (percent of the budget) at each day's end, from 100 % down; bars of each
    /// day's bad events under it. Days without events keep the last value.
    static func burnDown(_ slo: SLOStatus) -> String {
        let width = 720.0, height = 240.0, left = 60.0, right = 20.0, top = 20.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let days = slo.days
        let values: [Double?] = days.map { $0.budgetLeftShare.map { $0 * 100 } }
        let lowest = min(0, values.compactMap { $0 }.min() ?? 0)
        let highest = 100.0
        let span = highest - lowest
        func px(_ index: Int) -> Double { left + plotWidth * (Double(index) + 0.5) / Double(max(days.count, 1)) }
        func py(_ value: Double) -> Double { top + plotHeight * (highest - value) / span }
        var body = "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        for step in 0...4 {
            let value = lowest + span * Double(step) / 4
            body += "<line x1=\"\(left)\" y1=\"\(f(py(value)))\" x2=\"\(width - right)\" y2=\"\(f(py(value)))\" stroke=\"#eee\"/>"
            body += "<text x=\"\(left - 6)\" y=\"\(f(py(value) + 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#333\">\(SLONumber.plain(value, digits: 0)) %</text>"
        }
        body += "<line x1=\"\(left)\" y1=\"\(f(py(0)))\" x2=\"\(width - right)\" y2=\"\(f(py(0)))\" stroke=\"#e15759\" stroke-dasharray=\"6 4\"/>"
        body += "<text x=\"\(width - right)\" y=\"\(f(py(0) - 4))\" text-anchor=\"end\" font-size=\"10\" fill=\"#e15759\">budget spent</text>"
        let maximumBad = max(days.map { $0.total - $0.good }.max() ?? 0, 1)
        let slot = plotWidth / Double(max(days.count, 1))
        var points: [String] = []
        var last: Double?
        for (index, day) in days.enumerated() {
            let bad = day.total - day.good
            if bad > 0 {
                let barHeight = plotHeight * 0.25 * bad / maximumBad
                body += "<rect x=\"\(f(px(index) - slot * 0.3))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(slot * 0.6))\" height=\"\(f(barHeight))\" fill=\"#f28e2b\" fill-opacity=\"0.6\"><title>\(SVGChart.escape(ReportTime.format(day.end))): \(count(bad)) bad of \(count(day.total))</title></rect>"
            }
            if let value = values[index] ?? last {
                last = value
                points.append("\(f(px(index))),\(f(py(value)))")
            }
            if days.count <= 14 || index % max(1, days.count / 7) == 0 || index == days.count - 1 {
                body += "<text x=\"\(f(px(index)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">\(SVGChart.escape(String(ReportTime.format(day.end).dropFirst(5).prefix(5))))</text>"
            }
        }
        if points.count > 1 {
            body += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>"
        }
        for point in points {
            let xy = point.split(separator: ",")
            body += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"#4e79a7\"/>"
        }
        let title = "\(slo.name): error budget left at each day's end (line, %) and bad events per day (bars)"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(SVGChart.escape(title))\"><title>\(SVGChart.escape(title))</title>\(body)</svg>"
    }

    // MARK: Formatting

    static func sourceName(_ source: String) -> String {
        source == "cloudwatch" ? "fleet's CloudWatch metrics" : "ring buffer of this instance"
    }

    static func percent(_ share: Double?) -> String {
        share.map { SLONumber.percent($0, digits: 3) } ?? "–"
    }

    static func count(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : SLONumber.plain(value, digits: 1)
    }

    static func burnText(_ rate: Double?) -> String {
        rate.map { "\(SLONumber.plain($0, digits: 2))×" } ?? "–"
    }

    static func exhaustionText(_ seconds: Double?) -> String {
        guard let seconds else { return "not burning (6 h rate 0)" }
        if seconds <= 0 { return "already spent" }
        let hours = seconds / 3_600
        return hours >= 48 ? "in \(SLONumber.plain(hours / 24, digits: 1)) days at the 6 h rate" : "in \(SLONumber.plain(hours, digits: 1)) h at the 6 h rate"
    }

    private static func number(_ value: Double?) -> String {
        value.map { SLONumber.plain($0, digits: 6) } ?? ""
    }

    private static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"" : text
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
