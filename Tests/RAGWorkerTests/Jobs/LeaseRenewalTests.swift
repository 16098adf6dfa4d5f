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

    func renewLease(_ id: String, owner: String, lease: Duration, now: Date) async throws -> Bool {
        let fail = failuresLeft.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw Unreachable() }
        return try await base.renewLease(id, owner: owner, lease: lease, now: now)
    }

    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome {
        try await base.accept(job, maxBacklog: maxBacklog, now: now)
    }
    func job(id: String) async throws -> JobRecord? { try await base.job(id: id) }
    func claimNext(owner: String, lease: Duration, now: Date) async throws -> JobRecord? {
        try await base.claimNext(owner: owner, lease: lease, now: now)
    }
    func recordStage(_ id: String, timing: StageTiming) async throws { try await base.recordStage(id, timing: timing) }
    func finish(_ id: String, owner: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLeaseUntil: Date?) async throws -> FinishResult {
        try await base.finish(id, owner: owner, outcome: outcome, payload: payload, now: now, deliveryLeaseUntil: deliveryLeaseUntil)
    }
    func release(_ id: String, owner: String) async throws { try await base.release(id, owner: owner) }
    func recoverInterrupted(now: Date) async throws -> Int { try await base.recoverInterrupted(now: now) }
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
    @Test("renewals that fail for a while (store briefly unreachable) neither fail nor interrupt the job")
    func transientRenewalFailures() async throws {
        try await withTemporaryDirectory { directory in
            let store = FlakyRenewalStore(base: try SQLiteJobStore(directory: directory.path), failures: 3)
            _ = try await store.accept(try LeasedFinish.newJob("renewed"), maxBacklog: 10, now: Date())
            let runner = JobRunner(
                store: store, pipeline: SlowPipeline(duration: .milliseconds(1_500)),
                settings: .init(concurrency: 1, jobDeadline: .seconds(30), lease: .milliseconds(600)),
                owner: "w", jobWake: WakeSignal(), outboxWake: WakeSignal(),
                outboxHandOff: OutboxHandOff(capacity: 1, lease: .seconds(15)), readiness: Readiness(),
                drain: DrainDeadline(grace: .seconds(5)), metrics: WorkerMetrics(factory: TestMetrics()),
                tracer: NoOpTracer(), logger: .init(label: "test") { _ in SwiftLogNoOpLogHandler() }
            )
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            try await eventually(timeout: .seconds(10)) { [.succeeded, .failed].contains(try await store.job(id: "renewed")?.state) }
            let job = try #require(try await store.job(id: "renewed"))
            #expect(job.state == .succeeded)
            #expect(job.attempts == 1)
        }
    }
}
