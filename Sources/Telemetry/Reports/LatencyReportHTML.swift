import Foundation

/// The latency report as one self-contained HTML page (inline CSS and SVG, no scripts, no fetches).
public enum LatencyReportHTML {
    public static func render(_ report: LatencyReport) -> String {
        let markdownTables = tables(report)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Latency report \(SVGChart.escape(ReportTime.format(report.range.start))) to \(SVGChart.escape(ReportTime.format(report.range.end)))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 780px; color: #222; }
            table { border-collapse: collapse; margin: 1rem 0; }
            th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            .kpi { display: flex; gap: 1rem; flex-wrap: wrap; }
            .kpi div { background: #f4f6f8; border-radius: 6px; padding: 0.6rem 1rem; }
            .kpi b { display: block; font-size: 1.4rem; }
            svg { width: 100%; height: auto; }
            </style>
            </head>
            <body>
            <h1>Latency report</h1>
            <p>\(SVGChart.escape(ReportTime.format(report.range.start))) to \(SVGChart.escape(ReportTime.format(report.range.end))), from the \(LatencyReportRenderer.sourceName(report.source)).</p>
            <div class="kpi">
            <div>Jobs<b>\(report.volume)</b></div>
            <div>Within \(Int(report.objectiveSeconds)) s<b>\(LatencyReportRenderer.percent(report.shareWithinObjective))</b></div>
            <div>p99<b>\(LatencyReportRenderer.seconds(report.endToEnd.p99))</b></div>
            <div>Error rate<b>\(LatencyReportRenderer.percent(report.errorRate))</b></div>
            <div>Webhook success<b>\(LatencyReportRenderer.percent(report.webhook.successRate))</b></div>
            </div>
            <h2>Latency distribution</h2>
            \(distributionChart(report))
            <h2>Per-stage breakdown (p50, p99 in the tooltip)</h2>
            \(stageChart(report))
            <h2>Latency over time</h2>
            \(timelineChart(report))
            \(markdownTables)
            \(ReportSectionsRenderer.html(report))
            </body>
            </html>

            """
    }

    private static func distributionChart(_ report: LatencyReport) -> String {
        if report.source == .ringBuffer, !report.distribution.isEmpty {
            let bars = report.distribution.map { bucket in
                SVGChart.Bar(label: bucket.upperSeconds.map { "<\(SVGChart.format($0))s" } ?? "≥\(SVGChart.format(bucket.lowerSeconds))s",
                             value: Double(bucket.count), note: "\(bucket.count)")
            }
            return SVGChart.bars(bars, title: "Jobs by end-to-end latency", unit: "")
        }
        let bars = report.percentiles.map {
            SVGChart.Bar(label: "p\(SVGChart.format($0.percentile * 100))", value: $0.seconds, note: SVGChart.format($0.seconds) + " s")
        }
        return SVGChart.bars(bars, title: "End-to-end latency percentiles", unit: "s", threshold: report.objectiveSeconds)
    }

    private static func stageChart(_ report: LatencyReport) -> String {
        let bars = report.stages.filter { $0.latency.count > 0 || report.source == .cloudWatch }.map { stage in
            SVGChart.Bar(label: stage.stage, value: stage.latency.p50 ?? 0,
                         note: "\(SVGChart.format(stage.latency.p50 ?? 0)) s, p99 \(SVGChart.format(stage.latency.p99 ?? 0)) s")
        }
        return SVGChart.bars(bars, title: "p50 latency by stage", unit: "s")
    }

    private static func timelineChart(_ report: LatencyReport) -> String {
        let start = report.range.start.timeIntervalSince1970
        let points = report.points.map { (x: $0.time.timeIntervalSince1970 - start, y: $0.seconds, failed: $0.failed) }
        let line = report.overTime.compactMap { bucket in
            bucket.p99.map { (x: bucket.start.timeIntervalSince1970 - start + report.bucketSeconds / 2, y: $0) }
        }
        let labelEvery = max(1, report.overTime.count / 6)
        let labels = report.overTime.enumerated().filter { $0.offset % labelEvery == 0 }.map { _, bucket in
            (x: bucket.start.timeIntervalSince1970 - start, label: String(ReportTime.format(bucket.start).dropFirst(5).prefix(11)))
        }
        return SVGChart.timeline(points: points, line: line, xRange: 0...max(report.range.seconds, 1), xLabels: labels,
                                 title: "End-to-end latency per job (dots) and p99 per bucket (line)", threshold: report.objectiveSeconds)
    }

    /// The Markdown tables, as HTML.
    private static func tables(_ report: LatencyReport) -> String {
        func cell(_ value: Double?) -> String { SVGChart.escape(LatencyReportRenderer.seconds(value)) }
        var html = "<h2>End-to-end and per stage</h2><table><tr><th>Stage</th><th>Count</th><th>p50</th><th>p90</th><th>p99</th><th>Max</th></tr>"
        let rows = [("end to end", report.endToEnd)] + report.stages.map { ($0.stage, $0.latency) }
        for (name, latency) in rows {
            html += "<tr><td>\(SVGChart.escape(name))</td><td>\(latency.count)</td><td>\(cell(latency.p50))</td><td>\(cell(latency.p90))</td>"
                + "<td>\(cell(latency.p99))</td><td>\(cell(latency.maximum))</td></tr>"
        }
        html += "</table><p>Webhook success: \(SVGChart.escape(LatencyReportRenderer.webhookText(report.webhook))).</p>"
        return html
    }
}
