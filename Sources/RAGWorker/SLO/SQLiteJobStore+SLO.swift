import Curl
import Foundation
import SQLite

extension SQLiteJobStore: DeliverySLOStore {
    func countDelivery(_ jobID: String, limit: Duration) async throws -> CountedDelivery? {
        let now = clock()
        return try await database.write { connection in
            try connection.transaction {
                guard let row = try connection.queryFirst(Self.selectDeliveryFacts + " WHERE j.id = ? AND j.slo_counted_at IS NULL", [jobID])
                else { return nil }
                let facts = Self.deliveryFacts(from: row)
                guard let verdict = DeliveryJudgement.verdict(facts, limit: limit, overdue: false) else { return nil }
                return try Self.markCounted(facts, verdict, now: now, connection) ? CountedDelivery(facts: facts, verdict: verdict) : nil
            }
        }
    }

    func countOverdueDeliveries(limit: Duration, maximum: Int) async throws -> [CountedDelivery] {
        let now = clock()
        let cutoff = now.addingTimeInterval(-limit.seconds).unixMilliseconds
        return try await database.write { connection in
            try connection.transaction {
                // The partial index's own condition, so SQLite uses it.
                let rows = try connection.query(
                    Self.selectDeliveryFacts + " WHERE j.slo_counted_at IS NULL AND j.accepted_at <= ? ORDER BY j.accepted_at LIMIT ?",
                    [cutoff, maximum])
                var counted: [CountedDelivery] = []
                for row in rows {
                    let facts = Self.deliveryFacts(from: row)
                    guard let verdict = DeliveryJudgement.verdict(facts, limit: limit, overdue: true) else { continue }
                    if try Self.markCounted(facts, verdict, now: now, connection) {
                        counted.append(CountedDelivery(facts: facts, verdict: verdict))
                    }
                }
                return counted
            }
        }
    }

    func deliveryVerdict(_ jobID: String) async throws -> DeliveryVerdict? {
        let row = try await database.read { connection in
            try connection.queryFirst("SELECT slo_verdict, slo_cause FROM jobs WHERE id = ? AND slo_counted_at IS NOT NULL", [jobID])
        }
        return row.flatMap { row in
            row.string("slo_verdict").flatMap(DeliveryVerdict.Outcome.init(rawValue:)).map { DeliveryVerdict(outcome: $0, cause: row.string("slo_cause")) }
        }
    }

    /// Sets the mark where none is set; false when another write set it first.
    private static func markCounted(_ facts: DeliveryFacts, _ verdict: DeliveryVerdict, now: Date, _ connection: SQLiteConnection) throws -> Bool {
        try connection.run(
            "UPDATE jobs SET slo_counted_at = ?, slo_verdict = ?, slo_cause = ? WHERE id = ? AND slo_counted_at IS NULL",
            [now.unixMilliseconds, verdict.outcome.rawValue, verdict.cause, facts.jobID]) == 1
    }

    private static let selectDeliveryFacts = """
        SELECT j.id, j.trace_id, j.accepted_at, j.state, j.failure,
            o.state AS delivery_state, o.delivered_at
        FROM jobs j LEFT JOIN outbox o ON o.job_id = j.id
        """

    private static func deliveryFacts(from row: SQLiteRow) -> DeliveryFacts {
        DeliveryFacts(
            jobID: row.string("id") ?? "", traceID: row.string("trace_id") ?? "",
            acceptedAt: Date(unixMilliseconds: Int64(row.int("accepted_at") ?? 0)),
            state: JobState(rawValue: row.string("state") ?? "") ?? .queued,
            failureCode: row.data("failure").flatMap { try? JSONDecoder().decode(JobFailure.self, from: $0) }?.code,
            deliveryState: row.string("delivery_state").flatMap(DeliveryStatus.State.init(rawValue:)),
            deliveredAt: row.int("delivered_at").map { Date(unixMilliseconds: Int64($0)) })
    }
}
