import Foundation
import Logging
import PostgresNIO
import RAGPipeline
import Testing
import TestSupport

@testable import RAGWorker

/// The delivery SLO's counting in both job stores: the rule (``DeliveryJudgement``), and the
/// "counted" mark that lets exactly one of many concurrent counters count a job.
@Suite("Delivery SLO counting", .serialized)
struct DeliveryCountingTests {
    static let limit: Duration = .seconds(120)

    private static var logger: Logger {
        var logger = Logger(label: "test.slo-counting")
        logger.logLevel = .critical
        return logger
    }

    private static func newJob(_ id: String) throws -> NewJob {
        let body = Data(sampleJob(id: id).utf8)
        let trace = W3CTraceparent(traceID: W3CTraceparent.newTraceID())!
        return NewJob(request: try JobRequest.decode(from: Array(body)).get(), body: body, traceID: trace.traceID,
                      traceparent: trace.header, validationMilliseconds: 1)
    }

    private static let result = ProposalResult(
        proposal: Proposal(text: "Draft", answers: [], generatedBy: "extractive-drafter"),
        analysis: Analysis(fitScore: 60, fitReasons: ["r"], keyRequirements: [], risks: []),
        references: [], providers: ["generate": "extractive-drafter"])

    /// Accepts `id` at `acceptedAt`, runs it to `outcome` and, when `delivered` is set, records
    /// the webhook's 2xx at that time (or dead-letters it when `deadLetter`).
    private static func finishedJob(
        _ store: some JobStore & OutboxStore, _ id: String, acceptedAt: Date, outcome: JobOutcome,
        delivered: Date? = nil, deadLetter: Bool = false
    ) async throws {
        _ = try await store.accept(try newJob(id), maxBacklog: 100, now: acceptedAt)
        let claimed = try #require(try await store.claimNext(owner: "test", lease: .seconds(30)))
        #expect(try await store.finish(id, claim: try #require(claimed.claim), outcome: outcome, payload: Data("{}".utf8), now: Date()))
        guard delivered != nil || deadLetter else { return }
        let message = try #require(try await store.claimDue(owner: "test", lease: .seconds(30), limit: 10).first { $0.jobID == id })
        let claim = try #require(message.claim)
        if deadLetter {
            #expect(try await store.deadLetter(id, claim: claim, attempts: 1, status: 400, error: "rejected", now: Date()))
        } else {
            #expect(try await store.markDelivered(id, claim: claim, attempts: 1, status: 200, now: try #require(delivered)))
        }
    }

    /// Counts `id` from `contenders` concurrent callers; returns how many counted it.
    private static func race(_ store: some DeliverySLOStore, _ id: String, contenders: Int = 8) async throws -> [CountedDelivery] {
        try await withThrowingTaskGroup(of: CountedDelivery?.self) { group in
            for _ in 0..<contenders { group.addTask { try await store.countDelivery(id, limit: limit) } }
            return try await group.reduce(into: []) { if let counted = $1 { $0.append(counted) } }
        }
    }

    @Test("the rule: on time good, late bad, dead letter bad, content failure excluded, other failure bad, pending counted only when overdue")
    func judgement() {
        let accepted = Date(timeIntervalSince1970: 1_000)
        func facts(_ state: JobState, _ delivery: DeliveryStatus.State?, after seconds: Double? = nil, code: String? = nil) -> DeliveryFacts {
            DeliveryFacts(jobID: "j", traceID: "t", acceptedAt: accepted, state: state, failureCode: code,
                          deliveryState: delivery, deliveredAt: seconds.map { accepted.addingTimeInterval($0) })
        }
        let limit = Self.limit
        #expect(DeliveryJudgement.verdict(facts(.succeeded, .delivered, after: 120), limit: limit, overdue: false) == .init(outcome: .good))
        #expect(DeliveryJudgement.verdict(facts(.succeeded, .delivered, after: 120.001), limit: limit, overdue: false) == .init(outcome: .bad, cause: "late"))
        #expect(DeliveryJudgement.verdict(facts(.succeeded, .dead), limit: limit, overdue: false) == .init(outcome: .bad, cause: "dead_letter"))
        #expect(DeliveryJudgement.verdict(facts(.failed, .delivered, after: 3, code: "unsafe_output"), limit: limit, overdue: false)
                == .init(outcome: .excluded, cause: "unsafe_output"))
        #expect(DeliveryJudgement.verdict(facts(.failed, .pending, code: "provider_unavailable"), limit: limit, overdue: false)
                == .init(outcome: .bad, cause: "provider_unavailable"))
        #expect(DeliveryJudgement.verdict(facts(.succeeded, .pending), limit: limit, overdue: false) == nil)
        #expect(DeliveryJudgement.verdict(facts(.running, nil), limit: limit, overdue: false) == nil)
        #expect(DeliveryJudgement.verdict(facts(.running, nil), limit: limit, overdue: true) == .init(outcome: .bad, cause: "undelivered"))
        // Delivered in time but swept in the same instant: judged by the delivery, good.
        #expect(DeliveryJudgement.verdict(facts(.succeeded, .delivered, after: 119), limit: limit, overdue: true) == .init(outcome: .good))
    }

    @Test("SQLite: eight concurrent counters of a delivered job, one counts; later calls and the sweep count nothing")
    func sqliteOnce() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            let accepted = Date().addingTimeInterval(-10)
            try await Self.finishedJob(store, "on-time", acceptedAt: accepted, outcome: .succeeded(Self.result), delivered: accepted.addingTimeInterval(5))
            let counted = try await Self.race(store, "on-time")
            #expect(counted.count == 1 && counted.first?.verdict == .init(outcome: .good))
            #expect(try await store.countDelivery("on-time", limit: Self.limit) == nil)
            #expect(try await store.countOverdueDeliveries(limit: .seconds(1), maximum: 100).isEmpty)
            #expect(try await store.deliveryVerdict("on-time") == .init(outcome: .good))
        }
    }

    @Test("SQLite: a job still undelivered past the limit is swept once as bad; its delivery afterwards counts nothing")
    func sqliteSweep() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            _ = try await store.accept(try Self.newJob("stuck"), maxBacklog: 10, now: Date().addingTimeInterval(-200))
            _ = try await store.accept(try Self.newJob("fresh"), maxBacklog: 10, now: Date())
            #expect(try await store.countDelivery("stuck", limit: Self.limit) == nil, "not final: not counted outside the sweep")
            let swept = try await store.countOverdueDeliveries(limit: Self.limit, maximum: 100)
            #expect(swept.map(\.facts.jobID) == ["stuck"] && swept.first?.verdict == .init(outcome: .bad, cause: "undelivered"))
            #expect(try await store.countOverdueDeliveries(limit: Self.limit, maximum: 100).isEmpty)
            // It finishes and is delivered later (a resumed or redelivered job): counted already.
            let claimed = try #require(try await store.claimNext(owner: "late", lease: .seconds(30)))
            #expect(claimed.id == "stuck")
            #expect(try await store.finish("stuck", claim: try #require(claimed.claim), outcome: .succeeded(Self.result), payload: Data(), now: Date()))
            let message = try #require(try await store.claimDue(owner: "late", lease: .seconds(30), limit: 5).first)
            #expect(try await store.markDelivered("stuck", claim: try #require(message.claim), attempts: 1, status: 200, now: Date()))
            #expect(try await store.countDelivery("stuck", limit: Self.limit) == nil)
            #expect(try await store.deliveryVerdict("stuck") == .init(outcome: .bad, cause: "undelivered"))
        }
    }

    @Test("SQLite: dead-lettered, counted bad once; requeued and delivered, still counted once")
    func sqliteDeadLetterRedelivered() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            try await Self.finishedJob(store, "dead", acceptedAt: Date(), outcome: .succeeded(Self.result), deadLetter: true)
            #expect(try await Self.race(store, "dead").map(\.verdict) == [.init(outcome: .bad, cause: "dead_letter")])
            #expect(try await store.requeueDeadLetters(jobIDs: ["dead"]) == 1)
            let message = try #require(try await store.claimDue(owner: "retry", lease: .seconds(30), limit: 5).first)
            #expect(try await store.markDelivered("dead", claim: try #require(message.claim), attempts: 1, status: 200, now: Date()))
            #expect(try await Self.race(store, "dead").isEmpty)
        }
    }

    @Test("SQLite: a job that failed on its own content is excluded; a provider failure is bad")
    func sqliteFailures() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            try await Self.finishedJob(store, "guarded", acceptedAt: Date(), outcome: .failed(JobFailure(
                code: "unsafe_output", message: "blocked", stage: "generate", provider: nil)))
            try await Self.finishedJob(store, "outage", acceptedAt: Date(), outcome: .failed(JobFailure(
                code: "provider_unavailable", message: "503", stage: "embed", provider: "openai")))
            #expect(try await store.countDelivery("guarded", limit: Self.limit)?.verdict == .init(outcome: .excluded, cause: "unsafe_output"))
            #expect(try await store.countDelivery("outage", limit: Self.limit)?.verdict == .init(outcome: .bad, cause: "provider_unavailable"))
        }
    }

    @Test("Postgres, two stores (two instances): concurrent counters and sweeps count each job exactly once")
    func postgresTwoInstances() async throws {
        try await withPostgresServer { server in
            let configuration = try PostgresURL(server.url).clientConfiguration
            let first = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
            let second = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await first.run() }
                group.addTask { await second.run() }
                defer { group.cancelAll() }
                let one = PostgresJobStore(client: first, logger: Self.logger)
                let two = PostgresJobStore(client: second, logger: Self.logger)
                let accepted = Date().addingTimeInterval(-10)
                try await Self.finishedJob(one, "delivered", acceptedAt: accepted, outcome: .succeeded(Self.result), delivered: accepted.addingTimeInterval(2))
                let counted = try await withThrowingTaskGroup(of: [CountedDelivery].self) { racers in
                    racers.addTask { try await Self.race(one, "delivered", contenders: 4) }
                    racers.addTask { try await Self.race(two, "delivered", contenders: 4) }
                    return try await racers.reduce(into: []) { $0 += $1 }
                }
                #expect(counted.map(\.verdict) == [.init(outcome: .good)])

                // Twenty jobs past the limit, swept by both instances at once.
                for index in 0..<20 {
                    _ = try await one.accept(try Self.newJob("old-\(index)"), maxBacklog: 100, now: Date().addingTimeInterval(-300))
                }
                let swept = try await withThrowingTaskGroup(of: [CountedDelivery].self) { sweepers in
                    for store in [one, two, one, two] {
                        sweepers.addTask { try await store.countOverdueDeliveries(limit: Self.limit, maximum: 7) + store.countOverdueDeliveries(limit: Self.limit, maximum: 7) }
                    }
                    return try await sweepers.reduce(into: []) { $0 += $1 }
                }
                #expect(swept.count == 20 && Set(swept.map(\.facts.jobID)).count == 20, "\(swept.map(\.facts.jobID).sorted())")
                #expect(swept.allSatisfy { $0.verdict == .init(outcome: .bad, cause: "undelivered") })
                let marks = try await server.psql("select count(*) from rag_jobs where slo_counted_at is not null")
                #expect(marks.trimmingCharacters(in: .whitespacesAndNewlines) == "21")
            }
        }
    }
}
