import AWS
import Curl
import Foundation
import Synchronization
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker

/// Every job is counted exactly once in the delivery SLO's good and total counters, whatever
/// happens to it, on real `rag-worker serve` processes exporting to moto: a webhook retried, a job
/// resumed after SIGKILL, a dead letter redelivered (SQLite), and a job whose lease another worker
/// took (two workers on Postgres). Checked in the job store, in each ring buffer (the counters'
/// intervals and one `rag.slo` span per job) and in moto's metrics.
@Suite("Delivery SLO counted exactly once", .serialized)
struct SLOExactlyOnceTests {
    static let secret = "whsec-slo-exactly-once"
    static let openAIKey = "sk-slo-exactly-once"

    static func telemetry(_ id: String, stream: String) -> [String: String] {
        ["RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "slo-\(id)", "RAG_LOG_GROUP": "/rag-worker/slo-\(id)",
         "RAG_LOG_STREAM": "\(stream)/\(id)", "RAG_METRICS_NAMESPACE": "RAGWorkerSLO\(id)", "RAG_METRICS_INTERVAL_SECONDS": "1"]
    }

    static func post(_ client: CurlHTTPClient, _ worker: WorkerProcess, _ id: String) async throws {
        let response = try await client.execute(HTTPClientRequest(
            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
            body: Data(sampleJob(id: id).utf8), timeout: .seconds(10)))
        #expect(response.status == 202, "\(id)")
    }

    /// Sums of the delivery counters and the `rag.slo` spans per job in a ring buffer.
    static func ringBuffer(_ directory: String) async throws -> (good: Double, total: Double, spans: [String: Int]) {
        let store = try RingBufferStore(path: directory + "/telemetry.sqlite", limits: RingBufferLimits(maxRows: 1_000_000, maxBytes: 1 << 30))
        let end = Date().addingTimeInterval(60)
        let samples = try await store.sloSamples(good: MetricCatalogue.sloDeliveryGood.name, total: MetricCatalogue.sloDeliveryTotal.name,
                                                 from: end.addingTimeInterval(-86_400), to: end)
        let spans = try await store.spans(named: SLOStatusBuilder.spanName, in: ReportRange(start: end.addingTimeInterval(-86_400), end: end))
        var perJob: [String: Int] = [:]
        for span in spans where span.attributes[SpanAttributes.sloName] == "delivery" { perJob[span.jobID ?? "?", default: 0] += 1 }
        return (samples.reduce(0) { $0 + $1.good }, samples.reduce(0) { $0 + $1.total }, perJob)
    }

    static func motoSums(_ moto: MotoServer, _ telemetry: [String: String]) async throws -> (good: Double, total: Double) {
        (try await PostgresShutdownTests.metricSum(moto, MetricCatalogue.sloDeliveryGood, telemetry),
         try await PostgresShutdownTests.metricSum(moto, MetricCatalogue.sloDeliveryTotal, telemetry))
    }

    @Test("SQLite: resumed after SIGKILL, webhook retried twice, dead-lettered then redelivered, two plain jobs: 4 good + 1 bad = 5 total, each once")
    func sqliteScenarios() async throws {
        let moto = try await MotoServer.shared()
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        let retries = Mutex(0)
        let rejectDead = Atomic<Bool>(true)
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses(fallback: { request in
            let body = String(decoding: request.body, as: UTF8.self)
            if body.contains(#""job_id":"retried-1""#) {
                let attempt = retries.withLock { count in
                    count += 1
                    return count
                }
                return ScriptedResponse(status: attempt <= 2 ? 503 : 200)
            }
            if body.contains(#""job_id":"dead-1""#), rejectDead.load(ordering: .acquiring) { return ScriptedResponse(status: 400) }
            return ScriptedResponse(status: 200)
        }))
        let id = UUID().uuidString.prefix(8).lowercased()
        let telemetry = Self.telemetry(String(id), stream: "sqlite")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jobs = ["killed-1", "retried-1", "dead-1", "plain-1", "plain-2"]

        try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                let environment = moto.environment.merging(telemetry) { $1 }.merging([
                    "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1",
                    "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret, "RAG_CONCURRENCY": "2",
                    "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
                ]) { $1 }
                let client = CurlHTTPClient()
                defer { client.shutdown() }

                // A job in the generate stage when the first process is killed: nothing counted yet.
                await openAI.chatFaults.enqueue(.delay(.seconds(60)), times: 1)
                let first = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                try await Self.post(client, first, "killed-1")
                try await eventually(timeout: .seconds(30)) { await openAI.chat.count >= 1 }
                try await first.kill()
                let store = try SQLiteJobStore(directory: directory.path)
                #expect(try await store.deliveryVerdict("killed-1") == nil)

                // The restart resumes it; the other jobs go through the second process.
                let second = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                for job in jobs.dropFirst() { try await Self.post(client, second, job) }
                try await eventually(timeout: .seconds(60)) {
                    let acknowledged = Set(await receiver.acknowledged.compactMap(\.jobID))
                    let dead = try await store.job(id: "dead-1")?.delivery?.state == .dead
                    return dead && acknowledged.isSuperset(of: ["killed-1", "retried-1", "plain-1", "plain-2"])
                }
                #expect(try await store.deliveryVerdict("dead-1") == .init(outcome: .bad, cause: "dead_letter"))
                // The dead letter redelivered (what `rag-worker outbox retry` does): delivered, not counted again.
                rejectDead.store(false, ordering: .releasing)
                #expect(try await store.requeueDeadLetters(jobIDs: ["dead-1"]) == 1)
                try await eventually(timeout: .seconds(30)) { await receiver.acknowledged.contains { $0.jobID == "dead-1" } }
                #expect(try await second.terminate() == 0)

                #expect(retries.withLock { $0 } == 3, "retried-1 was delivered on its third attempt")
                for job in jobs {
                    let expected: DeliveryVerdict = job == "dead-1" ? .init(outcome: .bad, cause: "dead_letter") : .init(outcome: .good)
                    #expect(try await store.deliveryVerdict(job) == expected, "\(job)")
                }
                let ring = try await Self.ringBuffer(directory.path)
                #expect(ring.good == 4 && ring.total == 5, "ring buffer: \(ring.good) good, \(ring.total) total")
                #expect(ring.spans == Dictionary(uniqueKeysWithValues: jobs.map { ($0, 1) }), "one rag.slo span per job: \(ring.spans)")
                try await eventually(timeout: .seconds(30)) {
                    let sums = try await Self.motoSums(moto, telemetry)
                    return sums.good == 4 && sums.total == 5
                }
                let sums = try await Self.motoSums(moto, telemetry)
                #expect(sums.good == 4 && sums.total == 5, "moto: \(sums)")
            }
        }
    }

    @Test("Postgres, two workers: a job whose lease the second took while the first was stopped is counted once, by the second; 3 good = 3 total")
    func postgresLeaseTakeover() async throws {
        let moto = try await MotoServer.shared()
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        let receiver = WebhookReceiver(secret: Self.secret)
        let id = UUID().uuidString.prefix(8).lowercased()
        let telemetryA = Self.telemetry(String(id), stream: "a"), telemetryB = Self.telemetry(String(id), stream: "b")

        try await withPostgresServer { server in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                try await withLoopbackServer(receiver.router()) { webhookURL in
                    let base = moto.environment.merging([
                        "DATABASE_URL": server.url, "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1",
                        "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret,
                        "RAG_LEASE_SECONDS": "3", "RAG_CONCURRENCY": "1",
                    ]) { $1 }
                    let directoryA = try TemporaryDirectory(), directoryB = try TemporaryDirectory()
                    defer { directoryA.remove(); directoryB.remove() }
                    let client = CurlHTTPClient()
                    defer { client.shutdown() }

                    // A claims the job and waits in generate; stopped (SIGSTOP), it can neither
                    // renew its lease nor finish, so B takes the job once the lease expires.
                    await openAI.chatFaults.enqueue(.delay(.seconds(15)), times: 1)
                    let workerA = try await WorkerProcess.start(dataDirectory: directoryA.path, environment: base.merging(telemetryA) { $1 })
                    try await Self.post(client, workerA, "taken-1")
                    let heldByA = "select count(*) from rag_jobs where id = 'taken-1' and state = 'running' and lease_owner like '%/\(workerA.pid)/%'"
                    try await eventually(timeout: .seconds(30)) {
                        try await server.psql(heldByA).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
                    }
                    #expect(kill(workerA.pid, SIGSTOP) == 0)
                    let workerB = try await WorkerProcess.start(dataDirectory: directoryB.path, environment: base.merging(telemetryB) { $1 })
                    try await eventually(timeout: .seconds(60)) { await receiver.acknowledged.contains { $0.jobID == "taken-1" } }
                    // The deliverer records the 2xx, then counts: both after the receiver answered.
                    let countedBy = "select coalesce(attempts || ':' || slo_verdict, 'uncounted') from rag_jobs where id = 'taken-1'"
                    try await eventually(timeout: .seconds(10)) {
                        try await server.psql(countedBy).trimmingCharacters(in: .whitespacesAndNewlines) != "uncounted"
                    }
                    let verdict = try await server.psql(countedBy).trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(verdict == "2:good", "claimed twice, counted once: \(verdict)")

                    // A resumes: its renewal finds the lease gone, its run ends without a write.
                    #expect(kill(workerA.pid, SIGCONT) == 0)
                    for job in ["after-1", "after-2"] { try await Self.post(client, workerA, job) }
                    try await eventually(timeout: .seconds(60)) {
                        Set(await receiver.acknowledged.compactMap(\.jobID)).isSuperset(of: ["taken-1", "after-1", "after-2"])
                    }
                    // A's stopped run ended by now (its model call returned); both drain and flush.
                    try await Task.sleep(for: .seconds(3))
                    #expect(try await workerA.terminate() == 0)
                    #expect(try await workerB.terminate() == 0)

                    #expect(await receiver.acknowledged.filter { $0.jobID == "taken-1" }.count == 1)
                    let verdicts = try await server.psql("select string_agg(id || ':' || slo_verdict, ',' order by id) from rag_jobs")
                    #expect(verdicts.trimmingCharacters(in: .whitespacesAndNewlines) == "after-1:good,after-2:good,taken-1:good")
                    let a = try await Self.ringBuffer(directoryA.path), b = try await Self.ringBuffer(directoryB.path)
                    #expect(a.good + b.good == 3 && a.total + b.total == 3, "ring buffers: A \(a), B \(b)")
                    #expect(a.spans["taken-1"] == nil && b.spans["taken-1"] == 1, "taken-1 counted by B only: A \(a.spans), B \(b.spans)")
                    var perJob = a.spans
                    perJob.merge(b.spans) { $0 + $1 }
                    #expect(perJob == ["taken-1": 1, "after-1": 1, "after-2": 1], "\(perJob)")
                    try await eventually(timeout: .seconds(30)) {
                        let sums = try await Self.motoSums(moto, telemetryA)
                        return sums.good == 3 && sums.total == 3
                    }
                    let sums = try await Self.motoSums(moto, telemetryA)
                    #expect(sums.good == 3 && sums.total == 3, "moto, both workers under one endpoint: \(sums)")
                }
            }
        }
    }
}
