import Foundation
import RAGPipeline
import Testing
import TestSupport

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
