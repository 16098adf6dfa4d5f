import Foundation
import Testing
import TestSupport
@testable import Telemetry

@Suite("Post-mortem")
struct PostmortemTests {
    private let base: UInt64 = 1_767_225_600_000_000_000  // 2026-01-01T00:00:00Z
    private var range: ReportRange {
        ReportRange(start: Date(timeIntervalSince1970: Double(base) / 1e9 - 60), end: Date(timeIntervalSince1970: Double(base) / 1e9 + 86_400))
    }

    private func store(_ jobs: [SyntheticJob], in directory: TemporaryDirectory) async throws -> RingBufferStore {
        let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 100_000, maxBytes: 100_000_000))
        try await store.append(jobs.flatMap { $0.records() })
        return store
    }

    @Test("slowest jobs, ordered by end-to-end latency including the queue wait")
    func slowest() async throws {
        try await withTemporaryDirectory { directory in
            var jobs = (0..<5).map { SyntheticJob(jobID: "job-\($0)", acceptedAt: base + UInt64($0) * 60_000_000_000) }
            jobs[3].stageSeconds[.generate] = 90
            jobs[1].queueWait = 40
            jobs[4].stageSeconds[.generate] = 20
            let report = try await PostmortemQuery(store: store(jobs, in: directory)).report(range: range, slowestCount: 3)
            #expect(report.jobCount == 5)
            // job-1 ranks second only because its 40 s in the queue count: its stages took 6 s.
            #expect(report.slowest.map(\.jobID) == ["job-3", "job-1", "job-4"])
            #expect(abs(report.slowest[0].endToEndSeconds - jobs[3].endToEndSeconds) < 0.002)
            #expect(abs(report.slowest[1].queueWaitSeconds - 40) < 0.002)
            #expect(report.failed.isEmpty)
        }
    }

    @Test("failed job, timeline names the stage, provider, error code and retries")
    func failedTimeline() async throws {
        try await withTemporaryDirectory { directory in
            var failing = SyntheticJob(jobID: "job-failed", acceptedAt: base + 5_000_000_000)
            failing.failure = (.generate, "openai", "provider_unavailable", 3)
            let jobs = [SyntheticJob(jobID: "job-ok", acceptedAt: base), failing]
            let report = try await PostmortemQuery(store: store(jobs, in: directory)).report(range: range)
            let timeline = try #require(report.failed.first)
            #expect(report.failed.count == 1)
            #expect(timeline.jobID == "job-failed")
            #expect(timeline.traceID == failing.traceID)
            #expect(timeline.run?.errorCode == "provider_unavailable")
            let cause = try #require(timeline.failingEntry)
            #expect(cause.stage == "generate")
            #expect(cause.provider == "openai")
            #expect(cause.attempts == 3)
            #expect(cause.errorCode == "provider_unavailable")
            #expect(timeline.entries.map(\.name).prefix(2) == ["rag.validate", "rag.job"])
            #expect(timeline.entries.contains { $0.kind == .log && $0.status == "warning" })
            #expect(!timeline.entries.contains { $0.name == "rag.rerank" && $0.status == "error" })

            let text = PostmortemRenderer.text(report)
            #expect(text.contains("job job-failed (trace \(failing.traceID)): failed, error provider_unavailable"))
            #expect(text.contains("went wrong in generate, provider openai, 3 attempts, error provider_unavailable"))

            let json = try PostmortemRenderer.json(report)
            let decoded = try JSONDecoder.iso8601.decode(PostmortemReport.self, from: Data(json.utf8))
            #expect(decoded.failed.first?.failingEntry?.stage == "generate")
        }
    }

    @Test("a provider name longer than its column pushes the column out; the columns after it stay aligned")
    func longProviderName() async throws {
        try await withTemporaryDirectory { directory in
            let provider = "openai:gpt-4o-mini-2024-07-18-eastus-deployment"
            var failing = SyntheticJob(jobID: "job-long-provider", acceptedAt: base)
            failing.failure = (.generate, provider, "provider_unavailable", 3)
            let timeline = try #require(try await PostmortemQuery(store: store([failing], in: directory)).job("job-long-provider"))
            let lines = PostmortemRenderer.text(timeline).split(separator: "\n").map(String.init)
            let header = try #require(lines.first { $0.contains("PROVIDER") && $0.contains("TRY") })
            let providerColumn = try #require(header.range(of: "PROVIDER")).lowerBound.utf16Offset(in: header)
            let tryColumn = try #require(header.range(of: "TRY")).lowerBound.utf16Offset(in: header)
            let rows = lines.filter { $0.hasPrefix("  +") && $0.contains(provider) }
            #expect(rows.count == 1)
            for row in rows {
                #expect(try #require(row.range(of: provider)).lowerBound.utf16Offset(in: row) == providerColumn, "\(row)")
                let cells = Array(row.utf16)
                #expect(cells.count > tryColumn && cells[tryColumn] == UInt16(UInt8(ascii: "3")), "\(header)\n\(row)")
            }
            // Every span row reaches the TRY column at a cell boundary: a space before it.
            for row in lines where row.hasPrefix("  +") {
                let cells = Array(row.utf16)
                #expect(cells.count <= tryColumn || cells[tryColumn - 1] == UInt16(UInt8(ascii: " ")), "\(row)")
            }
        }
    }

    @Test("one job, found by job id and by trace id, the same timeline; unknown ids give nil")
    func oneJob() async throws {
        try await withTemporaryDirectory { directory in
            let job = SyntheticJob(jobID: "job-42", acceptedAt: base)
            let query = PostmortemQuery(store: try await store([job], in: directory))
            let byID = try #require(try await query.job("job-42"))
            let byTrace = try #require(try await query.job(job.traceID))
            #expect(byID == byTrace)
            #expect(byID.run?.outcome == "succeeded")
            #expect(byID.entries.filter { $0.kind == .span }.count == 9)
            #expect(try await query.job("job-unknown") == nil)
            #expect(try await query.job(TraceIDs.newTraceID()) == nil)
        }
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
