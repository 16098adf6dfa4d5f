import Curl
import Foundation
import Logging
import PostgresNIO

extension PostgresJobStore: DeliverySLOStore {
    /// Locks the job's row (`FOR UPDATE`), judges it and sets the mark in one transaction: an
    /// instance that comes second waits for the lock, then finds the mark set.
    func countDelivery(_ jobID: String, limit: Duration) async throws -> CountedDelivery? {
        try await schema.ready()
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                PostgresQuery(unsafeSQL: Self.selectDeliveryFacts + " WHERE j.id = $1 AND j.slo_counted_at IS NULL FOR UPDATE OF j",
                              binds: Self.binds(jobID)), logger: logger)
            var facts: DeliveryFacts?
            for try await row in rows { facts = try Self.deliveryFacts(from: row) }
            guard let facts, let verdict = DeliveryJudgement.verdict(facts, limit: limit, overdue: false) else { return nil }
            return try await Self.markCounted(facts, verdict, on: connection, logger: logger) ? CountedDelivery(facts: facts, verdict: verdict) : nil
        }
    }

    /// The oldest uncounted jobs past the limit by the database's clock, locked with `SKIP LOCKED`
    /// so two sweeps (two instances) split them instead of waiting on each other.
    func countOverdueDeliveries(limit: Duration, maximum: Int) async throws -> [CountedDelivery] {
        try await schema.ready()
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                \(unescaped: Self.selectDeliveryFacts)
                WHERE j.slo_counted_at IS NULL AND j.accepted_at <= clock_timestamp() - make_interval(secs => \(limit.seconds))
                ORDER BY j.accepted_at LIMIT \(maximum)
                FOR UPDATE OF j SKIP LOCKED
                """, logger: logger)
            var candidates: [DeliveryFacts] = []
            for try await row in rows { candidates.append(try Self.deliveryFacts(from: row)) }
            var counted: [CountedDelivery] = []
            for facts in candidates {
                guard let verdict = DeliveryJudgement.verdict(facts, limit: limit, overdue: true) else { continue }
                if try await Self.markCounted(facts, verdict, on: connection, logger: logger) {
                    counted.append(CountedDelivery(facts: facts, verdict: verdict))
                }
            }
            return counted
        }
    }

    func deliveryVerdict(_ jobID: String) async throws -> DeliveryVerdict? {
        try await schema.ready()
        let rows = try await client.query(
            "SELECT slo_verdict, slo_cause FROM rag_jobs WHERE id = \(jobID) AND slo_counted_at IS NOT NULL", logger: logger)
        for try await (outcome, cause) in rows.decode((String?, String?).self) {
            return outcome.flatMap(DeliveryVerdict.Outcome.init(rawValue:)).map { DeliveryVerdict(outcome: $0, cause: cause) }
        }
        return nil
    }

    private static func markCounted(
        _ facts: DeliveryFacts, _ verdict: DeliveryVerdict, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query("""
            UPDATE rag_jobs SET slo_counted_at = clock_timestamp(), slo_verdict = \(verdict.outcome.rawValue), slo_cause = \(verdict.cause)
            WHERE id = \(facts.jobID) AND slo_counted_at IS NULL
            RETURNING id
            """, logger: logger).collect().count == 1
    }

    private static let selectDeliveryFacts = """
        SELECT j.id, j.trace_id, j.accepted_at, j.state, j.failure->>'code' AS failure_code,
            o.state AS delivery_state, o.delivered_at
        FROM rag_jobs j LEFT JOIN rag_outbox o ON o.job_id = j.id
        """

    private static func deliveryFacts(from row: PostgresRow) throws -> DeliveryFacts {
        let columns = row.makeRandomAccess()
        return DeliveryFacts(
            jobID: try columns["id"].decode(String.self), traceID: try columns["trace_id"].decode(String.self),
            acceptedAt: try columns["accepted_at"].decode(Date.self).nearestMillisecond,
            state: JobState(rawValue: try columns["state"].decode(String.self)) ?? .queued,
            failureCode: try columns["failure_code"].decode(String?.self),
            deliveryState: try columns["delivery_state"].decode(String?.self).flatMap(DeliveryStatus.State.init(rawValue:)),
            deliveredAt: try columns["delivered_at"].decode(Date?.self)?.nearestMillisecond)
    }
}
