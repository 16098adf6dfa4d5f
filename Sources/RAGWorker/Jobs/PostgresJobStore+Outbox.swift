import Curl
import Foundation
import PostgresNIO

extension PostgresJobStore {
    func claimDue(owner: String, lease: Duration, limit: Int, now: Date) async throws -> [OutboxMessage] {
        try await schema.ready()
        let expires = now.addingTimeInterval(lease.seconds)
        let rows = try await client.query("""
            UPDATE rag_outbox SET lease_owner = \(owner), lease_expires_at = \(expires)
            WHERE job_id IN (
                SELECT job_id FROM rag_outbox
                WHERE state = 'pending' AND next_attempt_at <= \(now)
                    AND (lease_expires_at IS NULL OR lease_expires_at <= \(now))
                ORDER BY next_attempt_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.outboxColumns)
            """, logger: logger)
        var messages: [OutboxMessage] = []
        for try await row in rows { messages.append(try Self.message(from: row)) }
        return messages
    }

    func markDelivered(_ jobID: String, attempts: Int, status: Int, now: Date) async throws {
        try await client.query("""
            UPDATE rag_outbox SET state = 'delivered', attempts = \(attempts), last_status = \(status), last_error = NULL,
                delivered_at = \(now), lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID)
            """, logger: logger)
    }

    func scheduleRetry(_ jobID: String, attempts: Int, status: Int?, error: String, at: Date) async throws {
        try await client.query("""
            UPDATE rag_outbox SET attempts = \(attempts), last_status = \(status), last_error = \(error),
                next_attempt_at = \(at), lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending'
            """, logger: logger)
    }

    func deadLetter(_ jobID: String, attempts: Int, status: Int?, error: String, now: Date) async throws {
        try await client.query("""
            UPDATE rag_outbox SET state = 'dead', attempts = \(attempts), last_status = \(status), last_error = \(error),
                lease_owner = NULL, lease_expires_at = NULL
            WHERE job_id = \(jobID) AND state = 'pending'
            """, logger: logger)
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

    func requeueDeadLetters(jobIDs: [String]?, now: Date) async throws -> Int {
        try await schema.ready()
        let rows: PostgresRowSequence
        if let jobIDs {
            rows = try await client.query("""
                UPDATE rag_outbox SET state = 'pending', attempts = 0, next_attempt_at = \(now), lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead' AND job_id = ANY(\(jobIDs))
                RETURNING job_id
                """, logger: logger)
        } else {
            rows = try await client.query("""
                UPDATE rag_outbox SET state = 'pending', attempts = 0, next_attempt_at = \(now), lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead'
                RETURNING job_id
                """, logger: logger)
        }
        return try await rows.collect().count
    }

    func nextDueDate() async throws -> Date? {
        try await schema.ready()
        let rows = try await client.query("""
            SELECT MIN(GREATEST(next_attempt_at, COALESCE(lease_expires_at, next_attempt_at)))
            FROM rag_outbox WHERE state = 'pending'
            """, logger: logger)
        for try await due in rows.decode(Date?.self) { return due }
        return nil
    }
}
