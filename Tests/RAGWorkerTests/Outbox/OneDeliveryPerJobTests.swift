import Curl
import Foundation
import Logging
import MetricsTestKit
import PostgresNIO
import RAGPipeline
import Testing
import TestSupport
import Tracing

@testable import RAGWorker

/// A pipeline that finishes at once.
private struct InstantPipeline: JobPipeline {
    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        LeasedFinish.result()
    }
}

/// Issue 28, item 1: a slow receiver gets each job's webhook once, even when deliveries wait
/// for a slot longer than the lease they were handed over with.
@Suite("One delivery per job with a slow receiver", .serialized)
struct OneDeliveryPerJobTests {
    /// Attempts may take 6 s and a lease holds 0.3 s more; "slow-" jobs are answered after
    /// 4.2 s (under the time limit with 1.8 s of room, so a loaded machine does not turn an
    /// attempt into a timeout and a legitimate retry), the others at once. Two delivery slots.
    static let attemptTimeout = Duration.seconds(6)
    static let leaseMargin = Duration.milliseconds(300)
    static let slowAnswer = Duration.milliseconds(4_200)

    /// Three slow jobs, then six fast ones, finished one after the other. The third slow
    /// delivery is handed over while both slots are busy, waits 4.2 s for one, then needs 4.2 s
    /// more: its first lease (6.3 s from the finish) ends in the middle of its attempt, while
    /// the other slot, through with the fast jobs, looks for due deliveries.
    static let jobIDs = ["slow-1", "slow-2", "slow-3"] + (1...6).map { "fast-\($0)" }

    @Test("SQLite: each job is POSTed exactly once")
    func sqlite() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.check(store: try SQLiteJobStore(directory: directory.path))
        }
    }

    @Test("Postgres: each job is POSTed exactly once")
    func postgres() async throws {
        var logger = Logger(label: "test.postgres")
        logger.logLevel = .critical
        try await withPostgresServer { server in
            let client = PostgresClient(configuration: try PostgresURL(server.url).clientConfiguration, backgroundLogger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await Self.check(store: PostgresJobStore(client: client, logger: logger))
            }
        }
    }

    static func check(store: some JobStore & OutboxStore) async throws {
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret, script: ScriptedResponses(fallback: { request in
            let slow = String(decoding: request.body, as: UTF8.self).contains(#""job_id":"slow-"#)
            return ScriptedResponse(status: 200, delay: slow ? slowAnswer : .zero)
        }))
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await withLoopbackServer(receiver.router()) { webhookURL in
            for id in jobIDs {
                _ = try await store.accept(try LeasedFinish.newJob(id), maxBacklog: 100, now: Date())
            }
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let (jobWake, outboxWake) = (WakeSignal(), WakeSignal())
            // Room for every finished job: deliveries wait here, not in the store.
            let handOff = OutboxHandOff(capacity: jobIDs.count, lease: attemptTimeout + leaseMargin)
            let drain = DrainBudget(total: .seconds(5), telemetryReserve: .seconds(1))
            let metrics = WorkerMetrics(factory: TestMetrics())
            let runner = JobRunner(
                store: store, pipeline: InstantPipeline(),
                settings: .init(concurrency: 1, jobDeadline: .seconds(60), deliveryReserve: .seconds(2), lease: .seconds(30)),
                owner: "w", jobWake: jobWake, outboxWake: outboxWake, outboxHandOff: handOff, readiness: Readiness(),
                drain: drain, metrics: metrics, tracer: NoOpTracer(), logger: logger)
            let outbox = OutboxDeliverer(
                store: store,
                sender: HTTPWebhookSender(url: webhookURL + "/webhook", httpClient: http, timeout: attemptTimeout,
                                          keys: { WebhookSigningKeys(current: WebhookOutboxTests.secret) }),
                settings: .init(maxAttempts: 3, backoff: Backoff(base: .milliseconds(50), maximum: .milliseconds(200)),
                                attemptTimeout: attemptTimeout, parallelism: 2, leaseMargin: leaseMargin),
                owner: "w", handOff: handOff, wake: outboxWake, drain: drain, metrics: metrics, tracer: NoOpTracer(), logger: logger)
            let services = Task {
                await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await runner.run() }
                    group.addTask { try await outbox.run() }
                    try? await group.waitForAll()
                }
            }
            defer { services.cancel() }
            try await eventually(timeout: .seconds(60)) {
                Set(await receiver.acknowledged.compactMap(\.jobID)) == Set(jobIDs)
            }
            // Long enough for any lease taken during the run to expire and be claimed again.
            try await Task.sleep(for: (attemptTimeout + leaseMargin) * 2)
            let deliveries = await receiver.deliveries
            let posted = Dictionary(grouping: deliveries.compactMap(\.jobID), by: { $0 }).mapValues(\.count)
            for id in jobIDs {
                let attempts = deliveries.filter { $0.jobID == id }.compactMap(\.attempt)
                #expect(posted[id] == 1, "\(id) was POSTed \(posted[id] ?? 0) times, as attempts \(attempts)")
                #expect(try await store.job(id: id)?.delivery?.state == .delivered)
            }
        }
    }
}
