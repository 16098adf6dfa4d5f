import Foundation
import Logging
import MetricsTestKit
import RAGPipeline
import Testing
import TestSupport
import Synchronization
import Tracing

@testable import RAGWorker

/// A SQLite job store whose lease renewals fail a given number of times (the store briefly
/// unreachable), then work again.
private final class FlakyRenewalStore: JobStore, Sendable {
    let base: SQLiteJobStore
    private let failuresLeft: Mutex<Int>

    init(base: SQLiteJobStore, failures: Int) {
        self.base = base
        self.failuresLeft = Mutex(failures)
    }

    struct Unreachable: Error {}

    func renewLease(_ id: String, claim: String, lease: Duration) async throws -> Bool {
        let fail = failuresLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw Unreachable() }
        return try await base.renewLease(id, claim: claim, lease: lease)
    }

    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome {
        try await base.accept(job, maxBacklog: maxBacklog, now: now)
    }
    func job(id: String) async throws -> JobRecord? { try await base.job(id: id) }
    func countDelivery(_ jobID: String, limit: Duration) async throws -> CountedDelivery? {
        try await base.countDelivery(jobID, limit: limit)
    }
    func countOverdueDeliveries(limit: Duration, maximum: Int) async throws -> [CountedDelivery] {
        try await base.countOverdueDeliveries(limit: limit, maximum: maximum)
    }
    func deliveryVerdict(_ jobID: String) async throws -> DeliveryVerdict? { try await base.deliveryVerdict(jobID) }
    func claimNext(owner: String, lease: Duration) async throws -> JobRecord? {
        try await base.claimNext(owner: owner, lease: lease)
    }
    func recordStage(_ id: String, claim: String, timing: StageTiming) async throws {
        try await base.recordStage(id, claim: claim, timing: timing)
    }
    func finish(_ id: String, claim: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLease: Duration?) async throws -> FinishResult {
        try await base.finish(id, claim: claim, outcome: outcome, payload: payload, now: now, deliveryLease: deliveryLease)
    }
    func release(_ id: String, claim: String) async throws -> Bool { try await base.release(id, claim: claim) }
    func recoverInterrupted() async throws -> Int { try await base.recoverInterrupted() }
    func backlogDepth() async throws -> Int { try await base.backlogDepth() }
    func ping() async throws { try await base.ping() }
    func purgeDelivered(before cutoff: Date, limit: Int) async throws -> Int {
        try await base.purgeDelivered(before: cutoff, limit: limit)
    }
}

/// A pipeline that takes `duration`, long enough for several lease renewals.
private struct SlowPipeline: JobPipeline {
    let duration: Duration
    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        try await Task.sleep(for: duration)
        return LeasedFinish.result()
    }
}

@Suite("Job lease renewal")
struct LeaseRenewalTests {
    @Test("while another worker keeps trying to claim, renewals (some failing: the store briefly unreachable) keep the job with its runner")
    func renewalsHoldAgainstACompetitor() async throws {
        try await withTemporaryDirectory { directory in
            let base = try SQLiteJobStore(directory: directory.path)
            let store = FlakyRenewalStore(base: base, failures: 2)
            _ = try await store.accept(try LeasedFinish.newJob("renewed"), maxBacklog: 10, now: Date())
            // The job outlasts its 10 s lease twice over: only renewals keep it. The first renewal
            // comes after a third of the lease, and the two that fail are retried a tenth apart,
            // so the lease is renewed about 6 s before it would end: room for a loaded machine.
            let runner = JobRunner(
                store: store, pipeline: SlowPipeline(duration: .seconds(21)),
                settings: .init(concurrency: 1, jobDeadline: .seconds(60), deliveryReserve: .seconds(1), lease: .seconds(10)),
                owner: "w", jobWake: WakeSignal(), outboxWake: WakeSignal(),
                outboxHandOff: OutboxHandOff(capacity: 1, lease: .seconds(15)), readiness: Readiness(),
                drain: DrainBudget(total: .seconds(5), telemetryReserve: .seconds(1)), metrics: WorkerMetrics(factory: TestMetrics()),
                tracer: NoOpTracer(), logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() }
            )
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            try await eventually(timeout: .seconds(10)) { try await store.job(id: "renewed")?.state == .running }
            // Another instance polls the same store for claimable work all along.
            let competitor = Task { () -> [String] in
                var taken: [String] = []
                while !Task.isCancelled {
                    if let job = try? await base.claimNext(owner: "competitor", lease: .seconds(60)) { taken.append(job.id) }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                return taken
            }
            try await eventually(timeout: .seconds(45)) { [.succeeded, .failed].contains(try await store.job(id: "renewed")?.state) }
            competitor.cancel()
            #expect(await competitor.value.isEmpty, "the competitor claimed the job while its runner still ran it")
            let job = try #require(try await store.job(id: "renewed"))
            #expect(job.state == .succeeded)
            #expect(job.attempts == 1)
        }
    }
}
