import Curl
import Foundation
import SQLite
import Testing
import TestSupport
@testable import Telemetry
@testable import WorkerTestSupport

/// The worker as a child process: this test bundle again, running only ``CrashFixture``.
@Suite("Crash fixture")
struct CrashFixture {
    static let directoryVariable = "RAG_TELEMETRY_CRASH_FIXTURE_DIR"

    @Test("a worker with telemetry that serves until it is killed (child process of the SIGKILL test)",
          .enabled(if: ProcessInfo.processInfo.environment[CrashFixture.directoryVariable] != nil))
    func serveUntilKilled() async throws {
        let directory = try #require(ProcessInfo.processInfo.environment[Self.directoryVariable])
        try await InProcessWorker.withTelemetry(dataDirectory: directory, environment: ["RAG_CLOUDWATCH": "off"], destinations: nil, pipeline: ScriptedPipeline.init) { worker in
            try Data(worker.baseURL.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("base-url"))
            try await Task.sleep(for: .seconds(300))
        }
    }
}

@Suite("Post-mortem after SIGKILL")
struct PostmortemAfterKillTests {
    @Test("worker killed with SIGKILL after a job failed, the post-mortem still shows the failed job's timeline")
    func afterKill() async throws {
        try await withTemporaryDirectory { directory in
            let child = Process()
            child.executableURL = PackagePaths.root.appendingPathComponent(".build/debug/rag-workerPackageTests.xctest")
            child.arguments = ["--testing-library", "swift-testing", "--filter", "CrashFixture"]
            child.environment = ProcessInfo.processInfo.environment.merging([CrashFixture.directoryVariable: directory.path]) { $1 }
            _ = FileManager.default.createFile(atPath: directory.file("child.log"), contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: directory.file("child.log")))
            child.standardOutput = output
            child.standardError = output
            try child.run()
            defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

            let baseURLFile = directory.file("base-url")
            #expect(try await eventually { FileManager.default.fileExists(atPath: baseURLFile) })
            let baseURL = try String(contentsOfFile: baseURLFile, encoding: .utf8)
            let http = CurlHTTPClient()
            defer { http.shutdown() }
            for id in ["ok-1", "fail-1"] {
                let body = #"{"job_id": "\#(id)", "title": "Build a Swift service", "description": "We need a server in Swift."}"#
                let response = try await http.execute(HTTPClientRequest(
                    method: .post, url: baseURL + "/invocations", headers: ["Content-Type": "application/json"], body: Data(body.utf8)))
                #expect(response.status == 202)
            }
            // Kill as soon as the failed job's run is committed to the ring buffer (at most one
            // flush interval after it ended), not a moment later.
            let ringBuffer = directory.file("telemetry.sqlite")
            #expect(try await eventually {
                guard FileManager.default.fileExists(atPath: ringBuffer) else { return false }
                let database = try SQLiteDatabase(path: ringBuffer)
                let rows = try await database.read {
                    try $0.queryFirst("SELECT COUNT(*) AS n FROM records WHERE kind = 'span' AND name = 'rag.job' AND job_id = 'fail-1'")?.int("n")
                }
                return rows == 1
            })
            kill(child.processIdentifier, SIGKILL)
            while child.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            #expect(child.terminationReason == .uncaughtSignal)

            // The operator's command, on the killed worker's data directory.
            let report = try await runPostmortem(["--data-dir", directory.path, "--since", "1h", "--json"])
            let decoded = try JSONDecoder.iso8601.decode(PostmortemReport.self, from: Data(report.utf8))
            let timeline = try #require(decoded.failed.first)
            #expect(decoded.failed.count == 1)
            #expect(timeline.jobID == "fail-1")
            #expect(timeline.run?.errorCode == "provider_unavailable")
            let cause = try #require(timeline.failingEntry)
            #expect(cause.stage == "generate")
            #expect(cause.provider == "openai")
            #expect(cause.attempts == 3)
            #expect(timeline.entries.map(\.name).starts(with: ["rag.validate", "rag.job", "rag.embed"]))

            let text = try await runPostmortem(["--data-dir", directory.path, "--job", "fail-1"])
            #expect(text.contains("went wrong in generate, provider openai, 3 attempts, error provider_unavailable"))
        }
    }

    /// Runs `rag-worker postmortem` and returns its standard output.
    private func runPostmortem(_ arguments: [String]) async throws -> String {
        let result = try await runChildProcess(
            PackagePaths.executable("rag-worker"), arguments: ["postmortem"] + arguments, separateStandardError: true)
        #expect(result.status == 0)
        return result.output
    }
}
