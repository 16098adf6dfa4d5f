import Curl
import Foundation
import RAGPipeline
import Testing
import TestSupport

@testable import RAGWorker

/// Tests that run the real `rag-worker` binary, as SageMaker does.
@Suite("rag-worker serve as a process")
struct ServeProcessTests {
    static let secret = "whsec-process"

    static func webhookEnvironment(_ baseURL: String) -> [String: String] {
        [
            "WEBHOOK_URL": baseURL + "/webhook", "WEBHOOK_SECRET": secret,
            "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
        ]
    }

    @Test("jobs a crash left running or queued are resumed at the next start and delivered once")
    func resumesInterruptedJobs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The state a kill -9 leaves: one job claimed (running) and one still queued.
        do {
            let store = try SQLiteJobStore(directory: directory.path)
            for id in ["crashed-running", "crashed-queued"] {
                let body = Data(sampleJob(id: id).utf8)
                let request = try JobRequest.decode(from: Array(body)).get()
                let trace = W3CTraceparent(traceID: W3CTraceparent.newTraceID())!
                _ = try await store.accept(
                    NewJob(request: request, body: body, traceID: trace.traceID, traceparent: trace.header, validationMilliseconds: 1),
                    maxBacklog: 10, now: Date()
                )
            }
            let claimed = try await store.claimNext(owner: "dead-process", lease: .seconds(60))
            #expect(claimed?.id == "crashed-running")
        }
        let receiver = WebhookReceiver(secret: Self.secret)
        try await withLoopbackServer(receiver.router()) { webhookURL in
            let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: Self.webhookEnvironment(webhookURL))
            try await eventually(timeout: .seconds(20)) { await receiver.acknowledged.count == 2 }
            let delivered = await receiver.acknowledged
            #expect(Set(delivered.compactMap(\.jobID)) == ["crashed-running", "crashed-queued"])
            let resumed = delivered.first { $0.jobID == "crashed-running" }
            #expect(resumed?.json["attempts"] as? Int == 2)
            #expect(try await worker.terminate() == 0)
        }
    }

    @Test("SIGTERM with jobs in flight: they are queued again, the exit comes within SageMaker's 30 s, and every job is delivered after the restart")
    func gracefulShutdown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = WebhookReceiver(secret: Self.secret)
        let openAI = OpenAIDouble(apiKey: "sk-sigterm-test")
        // The first two generations hang: those jobs are mid-stage when the signal lands.
        await openAI.chatFaults.enqueue(.delay(.seconds(120)), times: 2)
        try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                var environment = Self.webhookEnvironment(webhookURL)
                environment.merge(["OPENAI_API_KEY": "sk-sigterm-test", "OPENAI_BASE_URL": openAIURL + "/v1", "RAG_CONCURRENCY": "2"]) { $1 }
                let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                let client = CurlHTTPClient()
                defer { client.shutdown() }
                for index in 0..<10 {
                    let response = try await client.execute(HTTPClientRequest(
                        method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                        body: Data(sampleJob(id: "term-\(index)").utf8)
                    ))
                    #expect(response.status == 202)
                }
                try await eventually(timeout: .seconds(20)) { await openAI.chat.count >= 2 }
                // SageMaker's SIGKILL comes 30 s after SIGTERM: a later exit fails the test.
                #expect(try await worker.terminate(timeout: .seconds(30)) == 0)
                #expect(worker.log.components(separatedBy: "job interrupted by shutdown; queued again").count - 1 == 2)
                #expect(worker.log.contains("rag-worker stopped"))
                let restarted = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                try await eventually(timeout: .seconds(30)) { Set(await receiver.acknowledged.compactMap(\.jobID)).count == 10 }
                #expect(try await restarted.terminate(timeout: .seconds(30)) == 0)
                let keys = await receiver.acknowledged.compactMap(\.idempotencyKey)
                #expect(Set(keys).count == 10)
                #expect(keys.count == 10, "one acknowledged delivery per job")
            }
        }
    }

    @Test("a second server on the same data directory refuses to start and names the holder")
    func dataDirectoryLock() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await WorkerProcess.start(dataDirectory: directory.path)
        await #expect(throws: WorkerProcessError.self) {
            _ = try await WorkerProcess.start(dataDirectory: directory.path, readyTimeout: .seconds(5))
        }
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("worker-") }
        let secondLog = try String(contentsOfFile: directory.path + "/worker-2.log", encoding: .utf8)
        #expect(logs.count == 2)
        #expect(secondLog.contains("another rag-worker (pid \(first.pid))"))
        #expect(try await first.terminate() == 0)
    }

    @Test("invalid configuration stops start-up with exit 78 and every problem listed")
    func invalidConfiguration() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await runWorkerCommand(["serve"], environment: ["RAG_DATA_DIR": directory.path, "PORT": "x", "RAG_CONCURRENCY": "-1", "OPENAI_API_KEY": "sk-very-secret", "RAG_PROFILE": "production"])
        #expect(result.status == 78)
        #expect(result.output.contains("PORT: must be an integer"))
        #expect(result.output.contains("RAG_CONCURRENCY"))
        #expect(result.output.contains("COHERE_API_KEY: required when RAG_PROFILE=production"))
        #expect(!result.output.contains("sk-very-secret"))
    }

    @Test("`outbox retry` redelivers dead letters once the receiver is back")
    func outboxRetry() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses([
            ScriptedResponse(status: 500), ScriptedResponse(status: 500),
        ]))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            var environment = Self.webhookEnvironment(webhookURL)
            environment["RAG_WEBHOOK_MAX_ATTEMPTS"] = "2"
            let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
            let client = CurlHTTPClient()
            defer { client.shutdown() }
            _ = try await client.execute(HTTPClientRequest(
                method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                body: Data(sampleJob(id: "retry-me").utf8)
            ))
            try await eventually(timeout: .seconds(10)) { await receiver.deliveries.count == 2 }
            #expect(try await worker.terminate() == 0)

            environment["RAG_DATA_DIR"] = directory.path
            let listed = try await runWorkerCommand(["outbox", "list"], environment: environment)
            #expect(listed.output.contains("retry-me\t2\t500\tHTTP 500"))
            let retried = try await runWorkerCommand(["outbox", "retry"], environment: environment)
            #expect(retried.status == 0, "\(retried.output)")
            #expect(retried.output.contains("retry-me: delivered after 1 attempt"))
            let deliveries = await receiver.deliveries
            #expect(deliveries.map(\.status) == [500, 500, 200])
            #expect(Set(deliveries.compactMap(\.idempotencyKey)) == ["retry-me"])
            let again = try await runWorkerCommand(["outbox", "list"], environment: environment)
            #expect(again.output.contains("No dead letters."))
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes (then records a failure).
func eventually(timeout: Duration, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record("condition not met within \(timeout)")
}
