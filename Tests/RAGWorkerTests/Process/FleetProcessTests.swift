import AWS
import Curl
import Foundation
import SQLite
import Testing
import TestSupport

@testable import RAGWorker

/// Two `rag-worker serve` processes on one real Postgres (pgserver): the fleet registry they
/// share makes the scaling signal the fleet's, and the backlog limit grow with the fleet.
@Suite("The fleet sharing one Postgres", .serialized)
struct FleetProcessTests {
    static let openAIKey = "sk-fleet-test"

    /// Jobs that stay running: every generation waits 30 s, over twice what a test here needs
    /// (the double finishes its answers before the test ends, so this is also its floor).
    static func slowOpenAI() async -> OpenAIDouble {
        let openAI = OpenAIDouble(apiKey: openAIKey)
        await openAI.chatFaults.enqueue(.delay(.seconds(30)), times: 100)
        return openAI
    }

    static func environment(database: String, openAI: String, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": database, "OPENAI_API_KEY": openAIKey, "OPENAI_BASE_URL": openAI + "/v1",
            "RAG_CONCURRENCY": "1", "RAG_FLEET_HEARTBEAT_SECONDS": "0.3", "RAG_SHUTDOWN_GRACE_SECONDS": "1",
        ].merging(extra) { $1 }
    }

    static func post(_ client: CurlHTTPClient, _ worker: WorkerProcess, id: String) async throws -> Int {
        try await client.execute(HTTPClientRequest(
            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
            body: Data(sampleJob(id: id).utf8), timeout: .seconds(10))).status
    }

    static func liveRunners(_ server: PostgresServer) async throws -> Int {
        Int(try await server.psql("select count(*) from rag_runners where expires_at > clock_timestamp()")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The last interval of `metric` a worker recorded in its ring buffer (what it exported).
    static func lastInterval(_ worker: WorkerProcess, _ metric: String) async throws -> [String: Any]? {
        let database = try SQLiteDatabase(path: (worker.dataDirectory as NSString).appendingPathComponent("telemetry.sqlite"))
        let rows = try await database.read {
            try $0.query("SELECT payload FROM records WHERE kind = 'metric' AND name = ? ORDER BY id DESC LIMIT 1", [metric])
        }
        return rows.first?.string("payload").flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test("BacklogPerInstance is the fleet's backlog over its live runners: two workers publish the same value, and it reaches CloudWatch")
    func fleetBacklogReachesCloudWatch() async throws {
        let moto = try await MotoServer.shared()
        let openAI = await Self.slowOpenAI()
        let id = UUID().uuidString.prefix(8).lowercased()
        let endpoint = "fleet-\(id)", namespace = "RAGWorkerFleet\(id)"
        try await withPostgresServer { server in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                var environment = moto.environment.merging(Self.environment(database: server.url, openAI: openAIURL, [
                    "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": endpoint, "RAG_METRICS_NAMESPACE": namespace,
                    "RAG_LOG_GROUP": "/rag-worker/\(endpoint)", "RAG_METRICS_INTERVAL_SECONDS": "1",
                ])) { $1 }
                let first = try TemporaryDirectory(), second = try TemporaryDirectory()
                defer { first.remove(); second.remove() }
                environment["RAG_LOG_STREAM"] = "first"
                let one = try await WorkerProcess.start(dataDirectory: first.path, environment: environment)
                environment["RAG_LOG_STREAM"] = "second"
                let two = try await WorkerProcess.start(dataDirectory: second.path, environment: environment)
                try await eventually(timeout: .seconds(20)) { try await Self.liveRunners(server) == 2 }

                let client = CurlHTTPClient()
                defer { client.shutdown() }
                // Six jobs, all accepted by the first worker: each worker runs one, four wait.
                for n in 1...6 { #expect(try await Self.post(client, one, id: "fleet-\(n)") == 202) }

                // Each worker's latest interval reads 6 jobs over 2 live instances, whichever holds them.
                for worker in [one, two] {
                    try await eventually(timeout: .seconds(20)) {
                        let backlog = try await Self.lastInterval(worker, "BacklogPerInstance")
                        let live = try await Self.lastInterval(worker, "LiveInstances")
                        return backlog?["min"] as? Double == 3 && backlog?["max"] as? Double == 3 && live?["last"] as? Double == 2
                    }
                }
                let steady = Date()
                // Two more intervals from each worker, then what CloudWatch holds from the steady state on.
                try await Task.sleep(for: .seconds(3))
                let cloudWatch = CloudWatchClient(client: moto.client())
                func statistics(_ name: String) async throws -> [Datapoint] {
                    try await cloudWatch.getMetricStatistics(
                        metric: Metric(namespace: namespace, metricName: name,
                                       dimensions: [AWS.MetricDimension(name: "EndpointName", value: endpoint)]),
                        start: steady, end: Date().addingTimeInterval(60), period: 60,
                        statistics: [.sampleCount, .minimum, .maximum])
                }
                var backlog = try await statistics("BacklogPerInstance")
                for _ in 0..<100 where backlog.compactMap(\.sampleCount).reduce(0, +) < 4 {
                    try await Task.sleep(for: .milliseconds(200))
                    backlog = try await statistics("BacklogPerInstance")
                }
                #expect(backlog.compactMap(\.sampleCount).reduce(0, +) >= 4, "both workers' intervals reached CloudWatch")
                #expect(backlog.compactMap(\.minimum).min() == 3, "\(backlog)")
                #expect(backlog.compactMap(\.maximum).max() == 3, "\(backlog)")
                #expect(try await statistics("LiveInstances").compactMap(\.maximum).max() == 2)
                try await one.kill()
                try await two.kill()
            }
        }
    }

    @Test("RAG_MAX_BACKLOG holds per live instance: two workers at 2 each accept 4 jobs, the 5th gets 429")
    func backlogLimitGrowsWithTheFleet() async throws {
        let openAI = await Self.slowOpenAI()
        try await withPostgresServer { server in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                let environment = Self.environment(database: server.url, openAI: openAIURL, ["RAG_MAX_BACKLOG": "2"])
                let first = try TemporaryDirectory(), second = try TemporaryDirectory()
                defer { first.remove(); second.remove() }
                let one = try await WorkerProcess.start(dataDirectory: first.path, environment: environment)
                let two = try await WorkerProcess.start(dataDirectory: second.path, environment: environment)
                try await eventually(timeout: .seconds(20)) { try await Self.liveRunners(server) == 2 }
                // Both heartbeats have come round since: the first worker has seen the second.
                try await Task.sleep(for: .seconds(1))

                let client = CurlHTTPClient()
                defer { client.shutdown() }
                for n in 1...4 { #expect(try await Self.post(client, one, id: "limit-\(n)") == 202, "job \(n)") }
                #expect(try await Self.post(client, one, id: "limit-5") == 429)
                #expect(try await Self.post(client, two, id: "limit-6") == 429)

                // The second worker stops: it leaves the registry at once, and the limit is one instance's again.
                #expect(try await two.terminate() == 0)
                #expect(try await Self.liveRunners(server) == 1)
                try await one.kill()
            }
        }
    }
}
