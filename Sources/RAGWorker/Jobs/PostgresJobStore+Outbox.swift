import Curl
import Foundation
import PostgresNIO

extension PostgresJobStore {
    /// One claim token for the batch (see ``SQLiteJobStore/claimDue(owner:lease:limit:)``).
    func claimDue(owner: String, lease: Duration, limit: Int) async throws -> [OutboxMessage] {
        try await schema.ready()
        let claim = ClaimToken.make(owner: owner)
        let rows = try await client.query("""
            UPDATE rag_outbox SET lease_owner = \(claim),
                lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.seconds))
            WHERE job_id IN (
                SELECT job_id FROM rag_outbox
                WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
                    AND (lease_expires_at IS NULL OR lease_expires_at <= clock_timestamp())
                ORDER BY next_attempt_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.outboxColumns)
            """, logger: logger)
        var messages: [OutboxMessage] = []
        for try await row in rows {
            var message = try Self.message(from: row)
            message.claim = claim
            messages.append(message)
        }
        return messages
    }

    func extendDeliveryLease(_ jobID: String, claim: String, lease: Duration) async throws -> Bool {
        try await changedOne("""
            UPDATE rag_outbox SET lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.seconds))
            WHERE job_id = \(jobID) AND state = 'pending' AND lease_owner = \(claim)
            RETURNING job_id
            """)
    }

    func markDelivered(_ jobID: String, claim: String, attempts: Int, status: Int, now: Date) async throws -> Bool {
        try await changedOne("""
            UPDATE rag_outbox SET state = 'delivered', attempts = \(attempts), last_status = \(status), last_error = NULL,
                delivered_at = \(now), lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending' AND lease_owner = \(claim)
            RETURNING job_id
            """)
    }

    func scheduleRetry(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, after delay: Duration) async throws -> Bool {
        try await changedOne("""
            UPDATE rag_outbox SET attempts = \(attempts), last_status = \(status), last_error = \(error),
                next_attempt_at = clock_timestamp() + make_interval(secs => \(delay.seconds)),
                lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending' AND lease_owner = \(claim)
            RETURNING job_id
            """)
    }

    func deadLetter(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, now: Date) async throws -> Bool {
        try await changedOne("""
            UPDATE rag_outbox SET state = 'dead', attempts = \(attempts), last_status = \(status), last_error = \(error),
                lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending' AND lease_owner = \(claim)
            RETURNING job_id
            """)
    }

    func releaseDelivery(_ jobID: String, claim: String) async throws -> Bool {
        try await changedOne("""
            UPDATE rag_outbox SET next_attempt_at = LEAST(next_attempt_at, clock_timestamp()),
                lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending' AND lease_owner = \(claim)
            RETURNING job_id
            """)
    }

    func deadLetters(limit: Int) async throws -> [OutboxMessage] {
        try await schema.ready()
        let rows = try await client.query("""
            SELECT \(unescaped: Self.outboxColumns) FROM rag_outbox WHERE state = 'dead' ORDER BY created_at LIMIT \(limit)
            """, logger: logger)
        var messages: [OutboxMessage] = []
        for try await row in rows { messages.append(try Self.message(from: row)) }
        return messages
    }

    func requeueDeadLetters(jobIDs: [String]?) async throws -> Int {
        try await schema.ready()
        let rows: PostgresRowSequence
        if let jobIDs {
            rows = try await client.query("""
                UPDATE rag_outbox SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead' AND job_id = ANY(\(jobIDs))
                RETURNING job_id
                """, logger: logger)
        } else {
            rows = try await client.query("""
                UPDATE rag_outbox SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead'
                RETURNING job_id
                """, logger: logger)
        }
        return try await rows.collect().count
    }

    func nextDueIn() async throws -> Duration? {
        try await schema.ready()
        let rows = try await client.query("""
            SELECT EXTRACT(EPOCH FROM (
                MIN(GREATEST(next_attempt_at, COALESCE(lease_expires_at, next_attempt_at))) - clock_timestamp()))::float8
            FROM rag_outbox WHERE state = 'pending'
            """, logger: logger)
        // NULL when nothing is pending; negative when something is overdue.
        for try await seconds in rows.decode(Double?.self) {
            return seconds.map { .milliseconds(Int64((max(0, $0) * 1000).rounded(.up))) }
        }
        return nil
    }

    /// Runs an `UPDATE … RETURNING` and tells whether it changed exactly one row.
    private func changedOne(_ query: PostgresQuery) async throws -> Bool {
        try await client.query(query, logger: logger).collect().count == 1
    }
}
