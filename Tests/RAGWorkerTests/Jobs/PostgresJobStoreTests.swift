import Foundation
import Logging
import PostgresNIO
import RAGPipeline
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker

/// The shared job store on a real PostgreSQL 16 (the `pgserver` wheel).
@Suite("PostgresJobStore", .serialized)
struct PostgresJobStoreTests {
    private static var logger: Logger {
        var logger = Logger(label: "test.postgres-store")
        logger.logLevel = .critical
        return logger
    }

    /// A store on a fresh server, its client running while `body` runs.
    private static func withStore<T: Sendable>(_ body: @Sendable (PostgresJobStore, PostgresServer) async throws -> T) async throws -> T {
        try await withPostgresServer { server in
            let client = PostgresClient(configuration: try PostgresURL(server.url).clientConfiguration, backgroundLogger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await body(PostgresJobStore(client: client, logger: logger), server)
            }
        }
    }

    private static func newJob(_ id: String) throws -> NewJob {
        let body = Data(sampleJob(id: id).utf8)
        let trace = W3CTraceparent(traceID: W3CTraceparent.newTraceID())!
        return NewJob(request: try JobRequest.decode(from: Array(body)).get(), body: body, traceID: trace.traceID,
                      traceparent: trace.header, validationMilliseconds: 1.5)
    }

    private static func result() -> ProposalResult {
        ProposalResult(
            proposal: Proposal(text: "Draft", answers: [], generatedBy: "extractive-drafter"),
            analysis: Analysis(fitScore: 60, fitReasons: ["r"], keyRequirements: [], risks: []),
            references: [], providers: ["generate": "extractive-drafter"])
    }

    @Test("accept commits once per job id, returns the existing job on a re-post, and refuses past the backlog")
    func accept() async throws {
        try await Self.withStore { store, _ in
            let now = Date()
            guard case .accepted(let first) = try await store.accept(try Self.newJob("a"), maxBacklog: 2, now: now) else {
                Issue.record("first accept")
                return
            }
            #expect(first.state == .queued)
            guard case .existing(let again) = try await store.accept(try Self.newJob("a"), maxBacklog: 2, now: now) else {
                Issue.record("re-post must return the existing job")
                return
            }
            #expect(again.id == "a" && again.traceID == first.traceID && again.acceptedAt == first.acceptedAt)
            _ = try await store.accept(try Self.newJob("b"), maxBacklog: 2, now: now)
            guard case .backlogFull(let depth) = try await store.accept(try Self.newJob("c"), maxBacklog: 2, now: now) else {
                Issue.record("third job must be refused")
                return
            }
            #expect(depth == 2)
            #expect(try await store.backlogDepth() == 2)
            #expect(try await store.job(id: "a")?.request.title == "Build a Swift service")
        }
    }

    @Test("concurrent claims by two instances never hand out the same job (FOR UPDATE SKIP LOCKED)")
    func concurrentClaims() async throws {
        try await Self.withStore { store, _ in
            for index in 0..<20 { _ = try await store.accept(try Self.newJob("job-\(index)"), maxBacklog: 100, now: Date()) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for runner in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await store.claimNext(owner: "instance-\(runner % 2)/\(runner)", lease: .seconds(30)) {
                            mine.append(job.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 20)
            #expect(Set(claimed).count == 20)
            #expect(try await store.job(id: "job-0")?.state == .running)
        }
    }

    @Test("a lease that expires (by the database's clock) lets another instance claim the job; the old holder can neither renew nor finish it")
    func leaseExpiry() async throws {
        try await Self.withStore { store, _ in
            _ = try await store.accept(try Self.newJob("j"), maxBacklog: 10, now: Date())
            let first = try #require(try await store.claimNext(owner: "A", lease: .seconds(2)))
            #expect(first.attempts == 1)
            #expect(try await store.claimNext(owner: "B", lease: .seconds(2)) == nil, "A's lease still holds")
            #expect(try await store.recoverInterrupted() == 0, "live leases are never taken back")

            try await Task.sleep(for: .milliseconds(2_500))
            let reclaimed = try #require(try await store.claimNext(owner: "B", lease: .seconds(30)))
            #expect(reclaimed.id == "j" && reclaimed.attempts == 2)
            let (stale, current) = (try #require(first.claim), try #require(reclaimed.claim))
            #expect(try await store.renewLease("j", claim: stale, lease: .seconds(30)) == false)
            #expect(try await store.finish("j", claim: stale, outcome: .succeeded(Self.result()), payload: Data("{}".utf8), now: Date()) == false)
            #expect(try await store.renewLease("j", claim: current, lease: .seconds(30)))
            try await store.recordStage("j", claim: current, timing: StageTiming(stage: .embed, milliseconds: 3.5, provider: "lexical-embedder"))
            #expect(try await store.finish("j", claim: current, outcome: .succeeded(Self.result()), payload: Data(#"{"job_id":"j"}"#.utf8), now: Date()))

            let record = try #require(try await store.job(id: "j"))
            #expect(record.state == .succeeded)
            #expect(record.result == Self.result())
            #expect(record.stageTimings.map(\.stage) == [.embed])
            #expect(record.delivery?.state == .pending)
            #expect(try await store.backlogDepth() == 0)
        }
    }

    @Test("retention deletes jobs delivered before the cutoff and keeps undelivered jobs and dead letters")
    func retention() async throws {
        try await Self.withStore { store, _ in try await LeasedFinish.checkRetention(store) }
    }

    @Test("a job claimed again after its lease expired, by the same process, refuses every write of the first claim")
    func expiredJobLease() async throws {
        try await Self.withStore { store, _ in
            try await LeasedFinish.checkExpiredJobLease(store, lease: .seconds(2)) { try await Task.sleep(for: $0) }
        }
    }

    @Test("a delivery leased at finish is not claimed until its lease expires; then only the new claim may record")
    func leasedFinish() async throws {
        try await Self.withStore { store, _ in
            try await LeasedFinish.check(store, lease: .seconds(2)) { try await Task.sleep(for: $0) }
        }
    }

    @Test("a delivery released by shutdown is due again at once, its attempt not counted")
    func releasedDelivery() async throws {
        try await Self.withStore { store, _ in try await LeasedFinish.checkReleasedDelivery(store) }
    }

    @Test("at start-up only jobs whose lease expired are made claimable again; release gives a job back at once")
    func recoverAndRelease() async throws {
        try await Self.withStore { store, _ in
            let now = Date()
            for (offset, id) in ["dead", "alive", "released"].enumerated() {
                _ = try await store.accept(try Self.newJob(id), maxBacklog: 10, now: now.addingTimeInterval(Double(offset) - 20))
            }
            // "crashed" claimed with a 1 s lease and was never heard of again.
            #expect(try await store.claimNext(owner: "crashed", lease: .seconds(1))?.id == "dead")
            #expect(try await store.claimNext(owner: "live", lease: .seconds(60))?.id == "alive")
            let stopping = try #require(try await store.claimNext(owner: "stopping", lease: .seconds(60)))
            #expect(stopping.id == "released")
            #expect(try await store.release("released", claim: try #require(stopping.claim)))
            try await Task.sleep(for: .milliseconds(1_500))

            #expect(try await store.recoverInterrupted() == 1)
            #expect(try await store.job(id: "dead")?.state == .queued)
            #expect(try await store.job(id: "alive")?.state == .running)
            #expect(try await store.job(id: "released")?.state == .queued)
        }
    }

    @Test("the outbox hands each due delivery to one deliverer and keeps retries, dead letters and redeliveries")
    func outbox() async throws {
        try await Self.withStore { store, _ in
            let now = Date()
            for id in ["o1", "o2", "o3"] {
                _ = try await store.accept(try Self.newJob(id), maxBacklog: 10, now: now)
                let claim = try #require(try await store.claimNext(owner: "w", lease: .seconds(30))?.claim)
                #expect(try await store.finish(id, claim: claim, outcome: .failed(JobFailure(code: "x", message: "m")),
                                               payload: Data(#"{"job_id":"\#(id)"}"#.utf8), now: now))
            }
            async let first = store.claimDue(owner: "d1", lease: .seconds(30), limit: 2)
            async let second = store.claimDue(owner: "d2", lease: .seconds(30), limit: 2)
            let (a, b) = try await (first, second)
            #expect(Set(a.map(\.jobID)).isDisjoint(with: b.map(\.jobID)))
            #expect(a.count + b.count == 3)
            #expect(String(decoding: (a + b).first { $0.jobID == "o1" }?.payload ?? Data(), as: UTF8.self) == #"{"job_id":"o1"}"#)
            #expect(try await store.claimDue(owner: "d3", lease: .seconds(30), limit: 10).isEmpty)
            let claims = Dictionary(uniqueKeysWithValues: (a + b).map { ($0.jobID, $0.claim ?? "") })

            #expect(try await store.markDelivered("o1", claim: claims["o1"] ?? "", attempts: 1, status: 200, now: now))
            #expect(try await store.scheduleRetry("o2", claim: claims["o2"] ?? "", attempts: 1, status: 503, error: "HTTP 503", after: .seconds(60)))
            #expect(try await store.deadLetter("o3", claim: claims["o3"] ?? "", attempts: 6, status: 500, error: "HTTP 500", now: now))

            #expect(try await store.job(id: "o1")?.delivery?.state == .delivered)
            let due = try #require(try await store.nextDueIn())
            #expect(due > .seconds(55) && due <= .seconds(60), "the retry is due in a minute by the database's clock: \(due)")
            #expect(try await store.deadLetters(limit: 10).map(\.jobID) == ["o3"])
            #expect(try await store.requeueDeadLetters(jobIDs: ["o3"]) == 1)
            let requeued = try await store.claimDue(owner: "d4", lease: .seconds(30), limit: 10)
            #expect(requeued.map(\.jobID) == ["o3"])
            #expect(requeued.first?.attempts == 0)
        }
    }
}
