import AWS
import Curl
import Foundation
import Synchronization
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker

/// Issue 28, items 3 and 4: SIGTERM to a `rag-worker serve` on Postgres (pgserver) with jobs
/// mid-stage and a webhook attempt in flight, with the default drain budget and CloudWatch
/// export to moto: everything keeps within SageMaker's 30 s.
@Suite("SIGTERM on Postgres", .serialized)
struct PostgresShutdownTests {
    static let secret = "whsec-postgres-shutdown"
    static let openAIKey = "sk-postgres-shutdown-test"

    @Test("interrupted jobs are queued again at once, none runs twice, the exit comes within 30 s with telemetry flushed, no delivery counted as failed")
    func sigtermWithJobsMidStage() async throws {
        let moto = try await MotoServer.shared()
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        // The receiver holds "hook-" deliveries past the whole drain while `slow` is set.
        let slow = Atomic<Bool>(true)
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses(fallback: { request in
            let held = slow.load(ordering: .acquiring) && String(decoding: request.body, as: UTF8.self).contains(#""job_id":"hook-"#)
            return ScriptedResponse(status: 200, delay: held ? .seconds(120) : .zero)
        }))
        let id = UUID().uuidString.prefix(8).lowercased()
        let telemetry = [
            "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "drain-\(id)", "RAG_LOG_GROUP": "/rag-worker/drain-\(id)",
            "RAG_LOG_STREAM": "host/\(id)", "RAG_METRICS_NAMESPACE": "RAGWorkerDrain\(id)",
        ]

        try await withPostgresServer { server in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                try await withLoopbackServer(receiver.router()) { webhookURL in
                    var environment = moto.environment.merging(telemetry) { $1 }
                    environment.merge([
                        "DATABASE_URL": server.url, "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1",
                        "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret,
                        "RAG_CONCURRENCY": "2", "RAG_WEBHOOK_TIMEOUT_SECONDS": "60",
                    ]) { $1 }
                    let first = try TemporaryDirectory(), second = try TemporaryDirectory()
                    defer { first.remove(); second.remove() }
                    let worker = try await WorkerProcess.start(dataDirectory: first.path, environment: environment)
                    let client = CurlHTTPClient()
                    defer { client.shutdown() }
                    @Sendable func post(_ jobID: String) async throws {
                        let response = try await client.execute(HTTPClientRequest(
                            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                            body: Data(sampleJob(id: jobID).utf8), timeout: .seconds(10)))
                        #expect(response.status == 202)
                    }

                    // A finished job whose webhook attempt is in flight when the signal lands.
                    try await post("hook-1")
                    try await eventually(timeout: .seconds(30)) { await receiver.deliveries.count == 1 }
                    // Two jobs in the generate stage (the model takes two minutes to answer).
                    await openAI.chatFaults.enqueue(.delay(.seconds(120)), times: 2)
                    try await post("stuck-1")
                    try await post("stuck-2")
                    try await eventually(timeout: .seconds(30)) { await openAI.chat.count == 3 }

                    let signalled = ContinuousClock.now
                    let status = try await worker.terminate(timeout: .seconds(30))
                    let exitedAfter = ContinuousClock.now - signalled
                    #expect(status == 0)
                    #expect(exitedAfter < .seconds(30), "SageMaker kills at 30 s; the worker exited after \(exitedAfter)")

                    // Right after the exit, before any lease could expire: the interrupted jobs
                    // are queued, and the cut-off attempt is released, uncounted.
                    let jobs = try await server.psql(
                        "select string_agg(id || ':' || state || ':' || (lease_owner is null)::text, ',' order by id) from rag_jobs")
                    #expect(jobs.trimmingCharacters(in: .whitespacesAndNewlines)
                            == "hook-1:succeeded:true,stuck-1:queued:true,stuck-2:queued:true")
                    let outbox = try await server.psql(
                        "select job_id || ':' || state || ':' || attempts || ':' || coalesce(last_error, '-') || ':' || (lease_owner is null)::text from rag_outbox")
                    #expect(outbox.trimmingCharacters(in: .whitespacesAndNewlines) == "hook-1:pending:0:-:true")

                    // Telemetry's final flush reached CloudWatch: the drain's own records, and
                    // the metrics of the last interval (published at shutdown).
                    let messages = try await Self.logMessages(moto, group: telemetry["RAG_LOG_GROUP"]!, stream: telemetry["RAG_LOG_STREAM"]!)
                    let interrupted = messages.filter { $0.contains("job interrupted by shutdown; queued again") }
                    #expect(Set(interrupted.compactMap { Self.jobID(in: $0) }) == ["stuck-1", "stuck-2"], "\(messages.suffix(20))")
                    #expect(messages.contains { $0.contains("webhook attempt cut short by shutdown") && Self.jobID(in: $0) == "hook-1" })
                    #expect(!messages.contains { $0.contains("webhook attempt failed") || $0.contains("dead-lettered") })
                    let accepted = try await Self.metricSum(moto, MetricCatalogue.jobsAccepted, telemetry)
                    #expect(accepted == 3, "JobsAccepted in CloudWatch: \(accepted)")

                    // Another instance finishes the work: each job reaches the webhook once with a
                    // 2xx, and the job that had finished did not run again.
                    slow.store(false, ordering: .releasing)
                    let survivor = try await WorkerProcess.start(dataDirectory: second.path, environment: environment)
                    try await eventually(timeout: .seconds(60)) {
                        Set(await receiver.acknowledged.compactMap(\.jobID)) == ["hook-1", "stuck-1", "stuck-2"]
                    }
                    #expect(try await survivor.terminate(timeout: .seconds(30)) == 0)
                    // hook-1 was POSTed twice: the attempt cut short by the drain (never answered to
                    // the worker) and the delivery after it, both as attempt 1: the cut one was not counted.
                    let posts = await receiver.deliveries
                    #expect(posts.filter { $0.jobID == "hook-1" }.map(\.attempt) == [1, 1])
                    #expect(posts.filter { $0.jobID?.hasPrefix("stuck-") == true }.count == 2, "one POST per resumed job")
                    #expect(posts.last { $0.jobID == "hook-1" }?.json["attempts"] as? Int == 1, "hook-1's pipeline ran once")
                    let acknowledged = await receiver.acknowledged
                    for stuck in ["stuck-1", "stuck-2"] {
                        #expect(acknowledged.first { $0.jobID == stuck }?.json["status"] as? String == "succeeded")
                    }
                }
            }
        }
    }

    /// The `job.id` of a JSON log record.
    static func jobID(in message: String) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(message.utf8))) as? [String: Any]
        return object?["job.id"] as? String
    }

    static func logMessages(_ moto: MotoServer, group: String, stream: String) async throws -> [String] {
        let logs = CloudWatchLogsClient(client: moto.client())
        var messages: [String] = []
        var token: String?
        while true {
            let page = try await logs.getLogEvents(group: group, stream: stream, startFromHead: true, limit: 10_000, nextToken: token)
            messages += page.events.map(\.message)
            if page.events.isEmpty || page.nextForwardToken == nil || page.nextForwardToken == token { break }
            token = page.nextForwardToken
        }
        return messages
    }

    static func metricSum(_ moto: MotoServer, _ metric: MetricDefinition, _ telemetry: [String: String]) async throws -> Double {
        let now = Date()
        let points = try await CloudWatchClient(client: moto.client()).getMetricStatistics(
            metric: Metric(namespace: telemetry["RAG_METRICS_NAMESPACE"]!, metricName: metric.name,
                           dimensions: [AWS.MetricDimension(name: "EndpointName", value: telemetry["RAG_ENDPOINT_NAME"]!)]),
            start: now.addingTimeInterval(-3600), end: now.addingTimeInterval(600), period: 60, statistics: [.sum])
        return points.compactMap(\.sum).reduce(0, +)
    }
}
