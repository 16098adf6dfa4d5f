import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// `rag-worker slo` and the report's SLO section, from the ring buffer of a real worker whose jobs
/// partly failed and partly ran late: the attainment they print is good / total as the jobs
/// themselves say it (their records in the job store: outcome, acceptance and delivery times).
@Suite("SLO command and report section", .serialized)
struct SLOReportTests {
    static let secret = "whsec-slo-report"
    static let openAIKey = "sk-slo-report"
    /// The delivery limit of this test's SLO file: short, so that "late" takes seconds.
    static let limitSeconds = 10.0

    @Test("7 jobs: 3 on time, 2 failed by the model, 2 held past the limit: slo and report (Markdown, CSV, HTML) say 3/7, name the causes, draw the burn-down")
    func sloFromRealJobs() async throws {
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses(fallback: { request in
            // "late-" jobs wait at the receiver past the limit.
            let late = String(decoding: request.body, as: UTF8.self).contains(#""job_id":"late-"#)
            return ScriptedResponse(status: 200, delay: late ? .seconds(Self.limitSeconds + 3) : .zero)
        }))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shipped = try String(contentsOf: PackagePaths.root.appendingPathComponent("Sources/Telemetry/Resources/slo/rag-worker.yaml"), encoding: .utf8)
        let sloFile = directory.path + "/slo.yaml"
        try shipped.replacingOccurrences(of: #"rag-worker/good-within-seconds: "120""#, with: #"rag-worker/good-within-seconds: "10""#)
            .write(toFile: sloFile, atomically: true, encoding: .utf8)
        let dataDirectory = directory.path + "/data"
        let jobs = ["fail-1", "fail-2", "ok-1", "ok-2", "ok-3", "late-1", "late-2"]

        try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                let environment = [
                    "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1",
                    "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret, "RAG_CONCURRENCY": "1",
                    "RAG_SLO_FILE": sloFile, "RAG_METRICS_INTERVAL_SECONDS": "1", "RAG_WEBHOOK_TIMEOUT_SECONDS": "30",
                ]
                let worker = try await WorkerProcess.start(dataDirectory: dataDirectory, environment: environment)
                let client = CurlHTTPClient()
                defer { client.shutdown() }
                // The model refuses the first two jobs' requests (400: no retry), answers the rest.
                await openAI.chatFaults.enqueue(.status(400), times: 2)
                // One batch at a time, so an on-time job never waits behind the others.
                for batch in [["fail-1", "fail-2"], ["ok-1"], ["ok-2"], ["ok-3"], ["late-1", "late-2"]] {
                    for job in batch {
                        let response = try await client.execute(HTTPClientRequest(
                            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                            body: Data(sampleJob(id: job).utf8), timeout: .seconds(10)))
                        #expect(response.status == 202)
                    }
                    try await eventually(timeout: .seconds(90)) {
                        Set(await receiver.acknowledged.compactMap(\.jobID)).isSuperset(of: batch)
                    }
                }
                #expect(try await worker.terminate() == 0)
            }
        }

        // Good and total from the jobs themselves: outcome and times from the job store.
        let store = try SQLiteJobStore(directory: dataDirectory)
        var good = 0
        for job in jobs {
            let record = try #require(try await store.job(id: job))
            let deliveredAt = try #require(record.delivery?.deliveredAt)
            if record.state == .succeeded, deliveredAt.timeIntervalSince(record.acceptedAt) <= Self.limitSeconds { good += 1 }
        }
        try #require(good == 3, "three jobs were on time (the machine took more than \(Self.limitSeconds) s for one)")
        let attainment = Double(good) / Double(jobs.count)

        let environment = ["RAG_SLO_FILE": sloFile, "RAG_DATA_DIR": dataDirectory]
        let json = try await runWorkerCommand(["slo", "--json"], environment: environment)
        #expect(json.status == 0, "\(json.output)")
        let summary = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let objectives = summary?["objectives"] as? [[String: Any]] ?? []
        let delivery = try #require(objectives.first { $0["name"] as? String == "delivery" })
        #expect(delivery["good"] as? Double == Double(good) && delivery["total"] as? Double == Double(jobs.count), "\(delivery)")
        #expect(abs((delivery["attainment"] as? Double ?? -1) - attainment) < 1e-12)
        let causes = (delivery["causes"] as? [[String: Any]] ?? []).map { "\($0["cause"] ?? ""):\($0["count"] ?? "")" }
        #expect(Set(causes) == ["provider_rejected:2", "undelivered:2"], "\(causes)")
        // Budget: 1 % of 7 events = 0.07, 4 spent.
        #expect(abs((delivery["budgetLeftEvents"] as? Double ?? 0) - (0.01 * 7 - 4)) < 1e-9)
        let intake = try #require(objectives.first { $0["name"] as? String == "intake" })
        #expect(intake["good"] as? Double == 7 && intake["total"] as? Double == 7)
        // Quality judges succeeded jobs only, never more than ran (its exact counts: QualityCostEndToEndTests).
        let quality = try #require(objectives.first { $0["name"] as? String == "quality" })
        #expect(quality["status"] as? String == "active")
        let qualityGood = quality["good"] as? Double ?? -1, qualityTotal = quality["total"] as? Double ?? -1
        #expect(qualityGood >= 0 && qualityGood <= qualityTotal && qualityTotal <= Double(jobs.count - 2), "\(quality)")

        let text = try await runWorkerCommand(["slo"], environment: environment)
        #expect(text.output.contains("attainment    42.857 % (3 good of 7)"), "\(text.output)")
        #expect(text.output.contains("spent by      2 × provider_rejected"), "\(text.output)")

        let markdown = try await runWorkerCommand(["report", "--since", "1h"], environment: environment)
        #expect(markdown.output.contains("## Service level objectives"), "\(markdown.output)")
        #expect(markdown.output.contains("| delivery | 99 % | 28d | 42.857 % | 3 | 7 | -3.9 (-5614.286 %) |"), "\(markdown.output)")
        #expect(markdown.output.contains("| bad | undelivered | 2 | late-"), "\(markdown.output)")
        let csv = try await runWorkerCommand(["report", "--since", "1h", "--format", "csv"], environment: environment)
        #expect(csv.output.contains("slo,delivery,0.99,2419200,\(SLONumberText.plain(attainment)),3,7,"), "\(csv.output)")
        #expect(csv.output.contains("slo_cause,delivery,bad,provider_rejected,2,"), "\(csv.output)")

        let page = directory.path + "/report.html"
        let html = try await runWorkerCommand(["report", "--since", "1h", "--format", "html", "--output", page], environment: environment)
        #expect(html.status == 0, "\(html.output)")
        let document = try String(contentsOfFile: page, encoding: .utf8)
        #expect(document.contains("<h2>Service level objectives</h2>") && document.contains("error budget left at each day's end"))
        #expect(document.hasSuffix("</html>\n"))
        try await ReportScreenshot.check(page: page, directory: directory.path)
    }
}

/// The same number formatting as the CSV (six decimals at most, no trailing zeros).
enum SLONumberText {
    static func plain(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// Renders an HTML page in headless Chromium (installed by scripts/bootstrap) and checks that the
/// screenshot is a real picture: a PNG of the asked size with more than a blank page's colours.
enum ReportScreenshot {
    static func check(page: String, directory: String) async throws {
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let executable = try #require(browser, "headless Chromium is missing: run scripts/bootstrap system")
        let png = directory + "/report.png"
        let result = try await runChildProcess(
            URL(fileURLWithPath: executable),
            arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=900,2600",
                        "--screenshot=\(png)", "file://\(page)"],
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory], timeout: .seconds(120))
        #expect(result.status == 0, "\(result.output)")
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        // Width and height from the IHDR chunk.
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 900 && height == 2600)
        #expect(data.count > 40_000, "a page with charts, not a blank one: \(data.count) bytes")
        if let keep = ProcessInfo.processInfo.environment["RAG_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
        }
    }
}
