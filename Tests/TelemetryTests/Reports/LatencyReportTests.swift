import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import Telemetry

@Suite("Latency report")
struct LatencyReportTests {
    private let base: UInt64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    private var range: ReportRange {
        ReportRange(start: Date(timeIntervalSince1970: Double(base) / 1e9), end: Date(timeIntervalSince1970: Double(base) / 1e9 + 6 * 3600))
    }

    /// 100 jobs whose end-to-end latencies are 1, 2, …, 100 s except jobs 96–100 at 121–125 s;
    /// jobs 10, 20, … 50 fail; jobs 7 and 8 have a webhook that never got through.
    private func jobs() -> [SyntheticJob] {
        (1...100).map { index in
            var job = SyntheticJob(jobID: "job-\(index)", acceptedAt: base + UInt64(index) * 120_000_000_000)
            let latency = index > 95 ? Double(index + 25) : Double(index)
            job.queueWait = 0
            job.stageSeconds = [.embed: 0.25, .generate: latency - 0.251]
            if index % 10 == 0, index <= 50 { job.failure = (.generate, "openai", "provider_timeout", 2) }
            if index == 7 || index == 8 { job.webhookOutcomes = ["retry", "retry", "rejected"] }
            return job
        }
    }

    private func build() async throws -> LatencyReport {
        try await withTemporaryDirectory { directory in
            let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 100_000, maxBytes: 100_000_000))
            try await store.append(jobs().flatMap { $0.records() })
            return try await LatencyReportBuilder(store: store).build(range: range)
        }
    }

    @Test("synthetic jobs, volume, percentiles, objective share, error and webhook rates as computed by hand")
    func numbers() async throws {
        let report = try await build()
        #expect(report.volume == 100)
        #expect(report.failed == 5)
        #expect(report.errorRate == 0.05)
        #expect(report.shareWithinObjective == 0.95)
        #expect(abs((report.endToEnd.p50 ?? 0) - 50) < 0.002)
        #expect(abs((report.endToEnd.p90 ?? 0) - 90) < 0.002)
        #expect(abs((report.endToEnd.p99 ?? 0) - 124) < 0.002)
        #expect(abs((report.endToEnd.maximum ?? 0) - 125) < 0.002)
        #expect(report.webhook.jobs == 100)
        #expect(report.webhook.delivered == 98)
        #expect(report.webhook.attempts == 104)
        #expect(report.webhook.successRate == 0.98)
        let embed = try #require(report.stages.first { $0.stage == "embed" })
        #expect(embed.latency.count == 100)
        #expect(abs((embed.latency.p99 ?? 0) - 0.25) < 1e-6)
        #expect(report.distribution.reduce(0) { $0 + $1.count } == 100)
        #expect(report.distribution.first { $0.lowerSeconds == 120 }?.count == 5)
        #expect(report.overTime.reduce(0) { $0 + $1.count } == 100)
        #expect(report.points.count == 100)
    }

    @Test("markdown and CSV, the headline numbers and one row per stage")
    func markdownAndCSV() async throws {
        let report = try await build()
        let markdown = LatencyReportRenderer.markdown(report)
        #expect(markdown.contains("| Jobs finished | 100 |"))
        #expect(markdown.contains("| Within 120 s | 95.0% |"))
        #expect(markdown.contains("| Webhook success | 98.0% (98 of 100 jobs, 104 attempts) |"))
        #expect(markdown.contains("| embed | 100 |"))
        let csv = LatencyReportRenderer.csv(report).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(csv.first == ["section", "name", "statistic", "value"])
        #expect(csv.contains(["summary", "jobs", "error_rate", "0.05"]))
        #expect(csv.contains(["end_to_end", "job", "max", "125"]))
        #expect(csv.allSatisfy { $0.count == 4 })
    }

    @Test("HTML, self-contained with three well-formed SVG charts and the 120 s line")
    func html() async throws {
        let report = try await build()
        let page = LatencyReportHTML.render(report)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("http://") || page.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        let svgs = page.components(separatedBy: "<svg").dropFirst().map { "<svg" + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        #expect(svgs.count == 3)
        for svg in svgs {
            let parser = XMLParser(data: Data(svg.utf8))
            #expect(parser.parse(), "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        }
        #expect(svgs[2].contains("120 s objective"))
        #expect(svgs[2].components(separatedBy: "<circle").count - 1 == 100)
    }
}
