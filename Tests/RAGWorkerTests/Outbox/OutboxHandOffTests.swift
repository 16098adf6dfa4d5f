import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import SQLite
import Synchronization
import Telemetry
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
                owner: "w", handOff: handOff, wake: wake, drain: DrainBudget(total: .seconds(5), telemetryReserve: .seconds(1)),
                metrics: WorkerMetrics(factory: NOOPMetricsHandler.instance), tracer: NoOpTracer(), logger: Logger(label: "test"))
            let running = Task { try await deliverer.run() }
            defer { running.cancel() }
            // Started with an empty store, the outbox goes idle: it waits on its wake signal for
            // up to its 120 s poll. Only then does the test hand work over.
            try await eventually(timeout: .seconds(20)) { wake.waiterCount == 1 }

            let now = Date()
            var claims: [String: String] = [:]
            for id in ["handed", "stored"] {
                _ = try await store.accept(try LeasedFinish.newJob(id), maxBacklog: 10, now: now)
                claims[id] = try await store.claimNext(owner: "w", lease: .seconds(60))?.claim
            }
            let payload = Data("{}".utf8)
            #expect(handOff.reserve())
            #expect(!handOff.reserve(), "the only place is taken: the second job's delivery goes to the store")
            let handed = try await store.finish("handed", claim: claims["handed"] ?? "", outcome: .succeeded(LeasedFinish.result()),
                                                payload: payload, now: now, deliveryLease: .seconds(15))
            guard case .finished(deliveryClaim: let deliveryClaim?) = handed else {
                Issue.record("the handed-over delivery was not created claimed: \(handed)")
                return
            }
            var message = LeasedFinish.message("handed")
            message.claim = deliveryClaim
            handOff.deliver(message)
            #expect(try await store.finish("stored", claim: claims["stored"] ?? "", outcome: .succeeded(LeasedFinish.result()),
                                           payload: payload, now: now, deliveryLease: nil) == .finished(deliveryClaim: nil))
            wake.notify()

            try await eventually(timeout: .seconds(20)) { sender.jobIDs.sorted() == ["handed", "stored"] }
            try await eventually(timeout: .seconds(20)) { try await store.job(id: "stored")?.delivery?.state == .delivered }
            #expect(try await store.job(id: "handed")?.delivery?.state == .delivered)
        }
    }

    @Test("SQLite: a job claimed again after its lease expired, by the same process, refuses every write of the first claim")
    func sqliteExpiredJobLease() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestWallClock()
            try await LeasedFinish.checkExpiredJobLease(
                try SQLiteJobStore(directory: directory.path, clock: clock.read), lease: .seconds(30)) { clock.advance(by: $0) }
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

    @Test("SQLite: a delivery leased at finish is not claimed until its lease expires; then only the new claim may record")
    func sqliteLeasedFinish() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestWallClock()
            try await LeasedFinish.check(try SQLiteJobStore(directory: directory.path, clock: clock.read), lease: .seconds(15)) {
                clock.advance(by: $0)
            }
        }
    }

    @Test("SQLite: a delivery released by shutdown is due again at once, its attempt not counted")
    func sqliteReleasedDelivery() async throws {
        try await withTemporaryDirectory { directory in
            try await LeasedFinish.checkReleasedDelivery(try SQLiteJobStore(directory: directory.path))
        }
    }
}

/// What the job and outbox stores must guarantee about claims and leases, for any store.
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
            let claim = try #require(try await store.claimNext(owner: "w", lease: .seconds(60))?.claim)
            let finish = try await store.finish(id, claim: claim, outcome: .succeeded(result()), payload: Data("{}".utf8), now: finished,
                                                deliveryLease: .seconds(60))
            guard case .finished(deliveryClaim: let delivery?) = finish else {
                Issue.record("\(id): no delivery claim")
                continue
            }
            switch id {
            case "pending": break
            case "dead": #expect(try await store.deadLetter(id, claim: delivery, attempts: 8, status: 500, error: "HTTP 500", now: finished))
            default: #expect(try await store.markDelivered(id, claim: delivery, attempts: 1, status: 200, now: finished))
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

    /// A job whose runner never recorded its finish stays `running` under that claim's lease;
    /// while the lease holds nobody takes it, afterwards the next claim does (one more attempt),
    /// *even by the same process* (the same owner): each claim has its own token, so the first
    /// claim can then neither renew, record a stage, finish nor release the job.
    ///
    /// - Parameter advance: moves the store's clock on (SQLite), or waits (Postgres).
    static func checkExpiredJobLease(
        _ store: some JobStore, lease: Duration, advance: @Sendable (Duration) async throws -> Void
    ) async throws {
        _ = try await store.accept(try newJob("stranded"), maxBacklog: 10, now: Date())
        let first = try #require(try await store.claimNext(owner: "w", lease: lease))
        #expect(first.id == "stranded")
        #expect(try await store.claimNext(owner: "w", lease: lease) == nil, "the lease holds")
        try await advance(lease + .milliseconds(500))
        let again = try #require(try await store.claimNext(owner: "w", lease: lease))
        #expect(again.id == "stranded")
        #expect(again.attempts == 2)
        let (stale, current) = (try #require(first.claim), try #require(again.claim))
        #expect(stale != current, "two claims of one process have different tokens")
        #expect(try await store.renewLease("stranded", claim: stale, lease: lease) == false)
        try await store.recordStage("stranded", claim: stale, timing: StageTiming(stage: .embed, milliseconds: 1))
        #expect(try await store.release("stranded", claim: stale) == false)
        #expect(try await store.finish("stranded", claim: stale, outcome: .succeeded(result()), payload: Data("{}".utf8),
                                       now: Date(), deliveryLease: nil) == .leaseLost)
        #expect(try await store.renewLease("stranded", claim: current, lease: lease))
        try await store.recordStage("stranded", claim: current, timing: StageTiming(stage: .retrieve, milliseconds: 2))
        #expect(try await store.finish("stranded", claim: current, outcome: .succeeded(result()), payload: Data("{}".utf8),
                                       now: Date(), deliveryLease: nil) == .finished(deliveryClaim: nil))
        let job = try #require(try await store.job(id: "stranded"))
        #expect(job.state == .succeeded)
        #expect(job.stageTimings.map(\.stage) == [.retrieve], "the stale claim's stage timing was refused")
    }

    /// The leased delivery is in the store (survives a crash) but invisible to claims, this
    /// process's included, until the lease ends; then any deliverer may take it, and the first
    /// claim can neither extend its lease nor record a result. A finish without a lease leaves
    /// its delivery due at once.
    ///
    /// - Parameter advance: moves the store's clock on (SQLite), or waits (Postgres).
    static func check(
        _ store: some JobStore & OutboxStore, lease: Duration, advance: @Sendable (Duration) async throws -> Void
    ) async throws {
        var claims: [String: String] = [:]
        for id in ["leased", "plain"] {
            _ = try await store.accept(try newJob(id), maxBacklog: 10, now: Date())
            claims[id] = try await store.claimNext(owner: "w", lease: .seconds(60))?.claim
        }
        let payload = Data(#"{"job_id":"leased"}"#.utf8)
        let leased = try await store.finish("leased", claim: claims["leased"] ?? "", outcome: .succeeded(result()), payload: payload,
                                            now: Date(), deliveryLease: lease)
        guard case .finished(deliveryClaim: let handedOver?) = leased else {
            Issue.record("the delivery was not created claimed: \(leased)")
            return
        }
        let plain = try await store.finish("plain", claim: claims["plain"] ?? "", outcome: .succeeded(result()), payload: payload,
                                           now: Date(), deliveryLease: nil)
        #expect(plain == .finished(deliveryClaim: nil))

        let during = try await store.claimDue(owner: "other", lease: .seconds(60), limit: 10)
        #expect(during.map(\.jobID) == ["plain"], "only the unleased delivery is due")
        #expect(try await store.claimDue(owner: "w", lease: lease, limit: 10).isEmpty)
        #expect(try await store.extendDeliveryLease("leased", claim: handedOver, lease: lease), "the holder may extend its lease")

        try await advance(lease + .milliseconds(500))
        let after = try await store.claimDue(owner: "other", lease: lease, limit: 10)
        #expect(after.map(\.jobID) == ["leased"], "the lease expired: the delivery is due again")
        #expect(after.first?.payload == payload && after.first?.attempts == 0)
        #expect(after.first?.acceptedAt != nil, "a claimed delivery knows when its job was accepted")
        #expect(try await store.extendDeliveryLease("leased", claim: handedOver, lease: lease) == false,
                "the first claim cannot take the delivery back")
        #expect(try await store.markDelivered("leased", claim: handedOver, attempts: 1, status: 200, now: Date()) == false)
        #expect(try await store.scheduleRetry("leased", claim: handedOver, attempts: 1, status: 503, error: "x", after: .zero) == false)
        #expect(try await store.deadLetter("leased", claim: handedOver, attempts: 1, status: 400, error: "x", now: Date()) == false)
        #expect(try await store.job(id: "leased")?.delivery?.state == .pending)
        #expect(try await store.markDelivered("leased", claim: try #require(after.first?.claim), attempts: 1, status: 200, now: Date()))
        #expect(try await store.job(id: "leased")?.delivery?.state == .delivered)
    }

    /// An attempt cut short by shutdown: its delivery is given back with its attempt count
    /// unchanged and no error recorded, due at once for any deliverer.
    static func checkReleasedDelivery(_ store: some JobStore & OutboxStore) async throws {
        _ = try await store.accept(try newJob("cut"), maxBacklog: 10, now: Date())
        let claim = try #require(try await store.claimNext(owner: "w", lease: .seconds(60))?.claim)
        let finish = try await store.finish("cut", claim: claim, outcome: .succeeded(result()), payload: Data("{}".utf8),
                                            now: Date(), deliveryLease: .seconds(3600))
        guard case .finished(deliveryClaim: let delivery?) = finish else {
            Issue.record("no delivery claim: \(finish)")
            return
        }
        #expect(try await store.claimDue(owner: "other", lease: .seconds(60), limit: 10).isEmpty, "leased for an hour")
        #expect(try await store.releaseDelivery("cut", claim: delivery))
        let due = try await store.claimDue(owner: "other", lease: .seconds(60), limit: 10)
        #expect(due.map(\.jobID) == ["cut"], "released: due at once, not after the hour")
        #expect(due.first?.attempts == 0)
        #expect(try await store.job(id: "cut")?.delivery?.lastError == nil)
        #expect(try await store.releaseDelivery("cut", claim: delivery) == false, "a stale claim releases nothing")
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
