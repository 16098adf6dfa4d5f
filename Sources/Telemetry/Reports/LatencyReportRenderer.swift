import Foundation

/// Renders the report as Markdown and CSV (HTML in ``LatencyReportHTML``): latency, then the
/// quality, cost and failures-by-cause sections (``ReportSectionsRenderer``).
public enum LatencyReportRenderer {
    public static func markdown(_ report: LatencyReport) -> String {
        var lines = [
            "# Latency report",
            "",
            "\(ReportTime.format(report.range.start)) to \(ReportTime.format(report.range.end)), from the \(sourceName(report.source)).",
            "",
            "| Measure | Value |",
            "|---|---|",
            "| Jobs finished | \(report.volume) |",
            "| Succeeded / failed | \(report.succeeded) / \(report.failed) |",
            "| Error rate | \(percent(report.errorRate)) |",
            "| Within \(Int(report.objectiveSeconds)) s | \(percent(report.shareWithinObjective)) |",
            "| Webhook success | \(webhookText(report.webhook)) |",
            "",
            "## End-to-end latency (accepted to finished)",
            "",
            "| Jobs | p50 | p90 | p99 | Max |",
            "|---:|---:|---:|---:|---:|",
            "| \(report.endToEnd.count) | \(seconds(report.endToEnd.p50)) | \(seconds(report.endToEnd.p90)) | \(seconds(report.endToEnd.p99)) | \(seconds(report.endToEnd.maximum)) |",
            "",
            "## Per stage",
            "",
            "| Stage | Spans | p50 | p90 | p99 | Max |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for stage in report.stages {
            let latency = stage.latency
            lines.append("| \(stage.stage) | \(latency.count) | \(seconds(latency.p50)) | \(seconds(latency.p90)) | \(seconds(latency.p99)) | \(seconds(latency.maximum)) |")
        }
        lines += ["", "## Over time (\(durationText(report.bucketSeconds)) buckets)", "", "| From | Jobs | p50 | p99 | Max |", "|---|---:|---:|---:|---:|"]
        for bucket in report.overTime where bucket.count > 0 {
            lines.append("| \(ReportTime.format(bucket.start)) | \(bucket.count) | \(seconds(bucket.p50)) | \(seconds(bucket.p99)) | \(seconds(bucket.maximum)) |")
        }
        lines += ReportSectionsRenderer.markdown(report)
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per number: `section,name,statistic,value` (seconds, counts and ratios 0...1).
    public static func csv(_ report: LatencyReport) -> String {
        var rows = ["section,name,statistic,value"]
        func add(_ section: String, _ name: String, _ statistic: String, _ value: Double?) {
            guard let value else { return }
            rows.append([section, name, statistic, number(value)].map(csvField).joined(separator: ","))
        }
        add("summary", "jobs", "count", Double(report.volume))
        add("summary", "jobs", "succeeded", Double(report.succeeded))
        add("summary", "jobs", "failed", Double(report.failed))
        add("summary", "jobs", "error_rate", report.errorRate)
        add("summary", "jobs", "within_\(Int(report.objectiveSeconds))s", report.shareWithinObjective)
        add("summary", "webhook", "jobs", Double(report.webhook.jobs))
        add("summary", "webhook", "delivered", Double(report.webhook.delivered))
        add("summary", "webhook", "success_rate", report.webhook.successRate)
        func latency(_ section: String, _ name: String, _ summary: LatencySummary) {
            add(section, name, "count", Double(summary.count))
            add(section, name, "p50", summary.p50)
            add(section, name, "p90", summary.p90)
            add(section, name, "p99", summary.p99)
            add(section, name, "max", summary.maximum)
        }
        latency("end_to_end", "job", report.endToEnd)
        for stage in report.stages { latency("stage", stage.stage, stage.latency) }
        for bucket in report.overTime where bucket.count > 0 {
            let name = ReportTime.format(bucket.start)
            add("over_time", name, "count", Double(bucket.count))
            add("over_time", name, "p50", bucket.p50)
            add("over_time", name, "p99", bucket.p99)
            add("over_time", name, "max", bucket.maximum)
        }
        ReportSectionsRenderer.csvRows(report, add: add)
        return rows.joined(separator: "\n") + "\n"
    }

    static func sourceName(_ source: LatencyReport.Source) -> String {
        source == .ringBuffer ? "local ring buffer" : "CloudWatch metrics"
    }

    static func webhookText(_ webhook: LatencyReport.WebhookSummary) -> String {
        guard let rate = webhook.successRate else { return "n/a" }
        var text = "\(percent(rate)) (\(webhook.delivered) of \(webhook.jobs) jobs"
        if let attempts = webhook.attempts { text += ", \(attempts) attempts" }
        return text + ")"
    }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
    }

    static func seconds(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: value < 10 ? "%.3f s" : "%.1f s", value)
    }

    static func durationText(_ seconds: Double) -> String {
        seconds >= 86_400 ? "\(Int(seconds / 86_400)) d" : seconds >= 3600 ? "\(Int(seconds / 3600)) h" : "\(Int(seconds / 60)) min"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
