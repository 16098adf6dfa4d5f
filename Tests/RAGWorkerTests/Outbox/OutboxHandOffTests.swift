import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import SQLite
import Synchronization
import Testing
import TestSupport
import Tracing

@testable import RAGWorker

@Suite("Outbox hand-off")
struct OutboxHandOffTests {
    @Test("places are bounded: a reservation beyond capacity is refused until a message is taken or a reservation cancelled")
    func bounded() {
        let handOff = OutboxHandOff(capacity: 2, lease: .seconds(15))
        #expect(handOff.reserve())
        #expect(handOff.reserve())
        #expect(!handOff.reserve(), "both places are taken")
        handOff.deliver(LeasedFinish.message("a"))
        handOff.deliver(LeasedFinish.message("b"))
        #expect(handOff.take(limit: 1).map(\.jobID) == ["a"], "oldest first, no more than asked")
        #expect(handOff.reserve(), "taking a message frees its place")
        #expect(!handOff.reserve())
        handOff.cancelReservation()
        #expect(handOff.reserve(), "a cancelled reservation frees its place")
        #expect(handOff.take(limit: 10).map(\.jobID) == ["b"])
        #expect(handOff.take(limit: 10).isEmpty)
    }

    @Test("an idle outbox delivers both a handed-over delivery and one left in the store (no free place) at once, not at its next poll")
    func storedDeliveryIsClaimedWhenNoted() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            let sender = RecordingSender()
            let handOff = OutboxHandOff(capacity: 1, lease: .seconds(15))
            let wake = WakeSignal()
            let deliverer = OutboxDeliverer(
                store: store, sender: sender,
                settings: .init(maxAttempts: 3, backoff: Backoff(base: .milliseconds(10), maximum: .seconds(1)),
                                attemptTimeout: .seconds(5), idlePoll: .seconds(120)),
                owner: "w", handOff: handOff, wake: wake, drain: DrainDeadline(grace: .seconds(5)),
                metrics: WorkerMetrics(factory: NOOPMetricsHandler.instance), tracer: NoOpTracer(), logger: Logger(label: "test"))
            let running = Task { try await deliverer.run() }
            defer { running.cancel() }
            // Started with an empty store, the outbox now waits for up to its 120 s poll.
            try await Task.sleep(for: .milliseconds(300))

            let now = Date()
            for id in ["handed", "stored"] {
                _ = try await store.accept(try LeasedFinish.newJob(id), maxBacklog: 10, now: now)
                _ = try await store.claimNext(owner: "w", lease: .seconds(60), now: now)
            }
            let payload = Data("{}".utf8)
            #expect(handOff.reserve())
            #expect(!handOff.reserve(), "the only place is taken: the second job's delivery goes to the store")
            #expect(try await store.finish("handed", owner: "w", outcome: .succeeded(LeasedFinish.result()), payload: payload,
                                           now: now, deliveryLeaseUntil: now.addingTimeInterval(15)) == .finished(deliveryLeased: true))
            handOff.deliver(LeasedFinish.message("handed"))
            #expect(try await store.finish("stored", owner: "w", outcome: .succeeded(LeasedFinish.result()), payload: payload,
                                           now: now, deliveryLeaseUntil: nil) == .finished(deliveryLeased: false))
            wake.notify()

            try await eventually(timeout: .seconds(20)) { sender.jobIDs.sorted() == ["handed", "stored"] }
            #expect(try await store.job(id: "stored")?.delivery?.state == .delivered)
        }
    }

    @Test("SQLite: a running job whose lease expired (its finish could not be recorded) is claimed again; the old run's finish is refused")
    func sqliteExpiredJobLease() async throws {
        try await withTemporaryDirectory { directory in
            try await LeasedFinish.checkExpiredJobLease(try SQLiteJobStore(directory: directory.path))
        }
    }

    @Test("SQLite: a claim finds its job through the backlog index, not by scanning every job kept")
    func sqliteClaimUsesIndex() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            let plan = try await store.database.read { connection in
                try connection.query("EXPLAIN QUERY PLAN " + SQLiteJobStore.nextClaimable, [0]).compactMap { $0.string("detail") }
            }
            #expect(plan.contains { $0.contains("USING INDEX jobs_backlog") }, "plan: \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN jobs") }, "plan: \(plan)")
        }
    }

    @Test("SQLite: retention deletes jobs delivered before the cutoff, in batches, and keeps undelivered jobs and dead letters")
    func sqliteRetention() async throws {
        try await withTemporaryDirectory { directory in
            try await LeasedFinish.checkRetention(try SQLiteJobStore(directory: directory.path))
        }
    }

    @Test("SQLite: a delivery leased at finish is not claimed by any deliverer until its lease expires")
    func sqliteLeasedFinish() async throws {
        try await withTemporaryDirectory { directory in
            try await LeasedFinish.check(try SQLiteJobStore(directory: directory.path))
        }
    }
}

/// What `finish` with a delivery lease must guarantee, for any job store.
enum LeasedFinish {
    static func message(_ id: String) -> OutboxMessage {
        OutboxMessage(jobID: id, traceID: "t", payload: Data("{}".utf8), attempts: 0, state: .pending, createdAt: Date())
    }

    static func newJob(_ id: String) throws -> NewJob {
        let body = Data(sampleJob(id: id).utf8)
        let trace = W3CTraceparent(traceID: W3CTraceparent.newTraceID())!
        return NewJob(request: try JobRequest.decode(from: Array(body)).get(), body: body, traceID: trace.traceID,
                      traceparent: trace.header, validationMilliseconds: 1.5)
    }

    static func result() -> ProposalResult {
        ProposalResult(
            proposal: Proposal(text: "Draft", answers: [], generatedBy: "extractive-drafter"),
            analysis: Analysis(fitScore: 60, fitReasons: ["r"], keyRequirements: [], risks: []),
            references: [], providers: ["generate": "extractive-drafter"])
    }

    /// Jobs delivered 20 and 10 days ago go (the sweep takes two batches of one), the one
    /// delivered today, the pending one and the dead letter stay; a purged id is unknown after.
    static func checkRetention(_ store: some JobStore & OutboxStore) async throws {
        let now = Date()
        let days = { (count: Double) in now.addingTimeInterval(-count * 86_400) }
        for (id, finished) in [("old-a", days(20)), ("old-b", days(10)), ("recent", days(1)), ("pending", days(30)), ("dead", days(30))] {
            _ = try await store.accept(try newJob(id), maxBacklog: 10, now: finished)
            _ = try await store.claimNext(owner: "w", lease: .seconds(60), now: finished)
            _ = try await store.finish(id, owner: "w", outcome: .succeeded(result()), payload: Data("{}".utf8), now: finished,
                                       deliveryLeaseUntil: nil)
            switch id {
            case "pending": break
            case "dead": try await store.deadLetter(id, attempts: 8, status: 500, error: "HTTP 500", now: finished)
            default: try await store.markDelivered(id, attempts: 1, status: 200, now: finished)
            }
        }
        let sweep = JobRetention(store: store, retention: .seconds(7 * 86_400), batchSize: 1,
                                 logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(await sweep.sweep(now: now) == 2)
        for id in ["old-a", "old-b"] {
            #expect(try await store.job(id: id) == nil, "\(id) kept")
        }
        for id in ["recent", "pending", "dead"] {
            #expect(try await store.job(id: id) != nil, "\(id) deleted")
        }
        #expect(try await store.deadLetters(limit: 10).map(\.jobID) == ["dead"])
        #expect(await sweep.sweep(now: now) == 0)
        // The id is free again: a repeat after the retention period is a new job.
        guard case .accepted = try await store.accept(try newJob("old-a"), maxBacklog: 10, now: now) else {
            Issue.record("a purged job id was not accepted as a new job")
            return
        }
    }

    /// A job whose runner never recorded its finish stays `running` under that runner's lease;
    /// while the lease holds nobody takes it, afterwards the next claim does (one more attempt),
    /// and the first run's late finish is refused.
    static func checkExpiredJobLease(_ store: some JobStore) async throws {
        let now = Date()
        _ = try await store.accept(try newJob("stranded"), maxBacklog: 10, now: now)
        let first = try await store.claimNext(owner: "a", lease: .seconds(30), now: now)
        #expect(first?.id == "stranded")
        #expect(try await store.claimNext(owner: "b", lease: .seconds(30), now: now.addingTimeInterval(29)) == nil)
        let again = try await store.claimNext(owner: "b", lease: .seconds(30), now: now.addingTimeInterval(31))
        #expect(again?.id == "stranded")
        #expect(again?.attempts == 2)
        let late = try await store.finish("stranded", owner: "a", outcome: .succeeded(result()), payload: Data("{}".utf8),
                                          now: now.addingTimeInterval(32), deliveryLeaseUntil: nil)
        #expect(late == .leaseLost)
        let current = try await store.finish("stranded", owner: "b", outcome: .succeeded(result()), payload: Data("{}".utf8),
                                             now: now.addingTimeInterval(33), deliveryLeaseUntil: nil)
        #expect(current == .finished(deliveryLeased: false))
    }

    /// The leased delivery is in the store (survives a crash) but invisible to claims, this
    /// process's included, until the lease ends; then any deliverer may take it. A finish
    /// without a lease leaves its delivery due at once.
    static func check(_ store: some JobStore & OutboxStore) async throws {
        let now = Date()
        for id in ["leased", "plain"] {
            _ = try await store.accept(try newJob(id), maxBacklog: 10, now: now)
            _ = try await store.claimNext(owner: "w", lease: .seconds(60), now: now)
        }
        let payload = Data(#"{"job_id":"leased"}"#.utf8)
        let leased = try await store.finish("leased", owner: "w", outcome: .succeeded(result()), payload: payload, now: now,
                                            deliveryLeaseUntil: now.addingTimeInterval(15))
        #expect(leased == .finished(deliveryLeased: true))
        let plain = try await store.finish("plain", owner: "w", outcome: .succeeded(result()), payload: payload, now: now,
                                           deliveryLeaseUntil: nil)
        #expect(plain == .finished(deliveryLeased: false))

        let during = try await store.claimDue(owner: "other", lease: .seconds(60), limit: 10, now: now.addingTimeInterval(1))
        #expect(during.map(\.jobID) == ["plain"], "only the unleased delivery is due")
        #expect(try await store.claimDue(owner: "w", lease: .seconds(15), limit: 10, now: now.addingTimeInterval(2)).isEmpty)

        let after = try await store.claimDue(owner: "other", lease: .seconds(15), limit: 10, now: now.addingTimeInterval(16))
        #expect(after.map(\.jobID) == ["leased"], "the lease expired: the delivery is due again")
        #expect(after.first?.payload == payload && after.first?.attempts == 0)
        #expect(try await store.job(id: "leased")?.delivery?.state == .pending)
    }
}

/// Answers every delivery 200 and remembers which jobs it saw.
private final class RecordingSender: WebhookSender {
    let destination = "recording sender"
    private let seen = Mutex<[String]>([])

    var jobIDs: [String] { seen.withLock { $0 } }

    func deliver(_ message: OutboxMessage, attempt: Int) async -> DeliveryResult {
        seen.withLock { $0.append(message.jobID) }
        return .delivered(status: 200)
    }
}
