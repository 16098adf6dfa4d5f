import Curl
import Foundation
import SQLite

extension SQLiteJobStore {
    func claimDue(owner: String, lease: Duration, limit: Int, now: Date) async throws -> [OutboxMessage] {
        let nowMS = now.unixMilliseconds
        let expires = now.addingTimeInterval(lease.seconds).unixMilliseconds
        return try await database.write { connection in
            try connection.query(
                """
                UPDATE outbox SET lease_owner = ?, lease_expires_at = ?
                WHERE job_id IN (
                    SELECT job_id FROM outbox
                    WHERE state = 'pending' AND next_attempt_at <= ?
                        AND (lease_expires_at IS NULL OR lease_expires_at <= ?)
                    ORDER BY next_attempt_at LIMIT ?)
                RETURNING \(Self.outboxColumns)
                """,
                [owner, expires, nowMS, nowMS, limit]
            ).map(Self.message(from:))
        }
    }

    func markDelivered(_ jobID: String, attempts: Int, status: Int, now: Date) async throws {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL,
                    delivered_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ?
                """,
                [attempts, status, now.unixMilliseconds, jobID]
            )
        }
    }

    func scheduleRetry(_ jobID: String, attempts: Int, status: Int?, error: String, at: Date) async throws {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending'
                """,
                [attempts, status, error, at.unixMilliseconds, jobID]
            )
        }
    }

    func deadLetter(_ jobID: String, attempts: Int, status: Int?, error: String, now: Date) async throws {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'dead', attempts = ?, last_status = ?, last_error = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending'
                """,
                [attempts, status, error, jobID]
            )
        }
    }

    func deadLetters(limit: Int) async throws -> [OutboxMessage] {
        try await database.read { connection in
            try connection.query(
                "SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'dead' ORDER BY created_at LIMIT ?",
                [limit]
            ).map(Self.message(from:))
        }
    }

    func requeueDeadLetters(jobIDs: [String]?, now: Date) async throws -> Int {
        try await database.write { connection in
            let requeue = """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead'
                """
            guard let jobIDs else {
                return try connection.run(requeue, [now.unixMilliseconds])
            }
            return try connection.transaction {
                try jobIDs.reduce(0) { count, id in
                    count + (try connection.run(requeue + " AND job_id = ?", [now.unixMilliseconds, id]))
                }
            }
        }
    }

    func nextDueDate() async throws -> Date? {
        try await database.read { connection in
            try connection.queryFirst(
                """
                SELECT MIN(max(next_attempt_at, coalesce(lease_expires_at, 0))) AS due
                FROM outbox WHERE state = 'pending'
                """
            )?.int("due").map { Date(unixMilliseconds: Int64($0)) }
        }
    }

    static let outboxColumns =
        "job_id, trace_id, payload, state, attempts, last_status, last_error, created_at"

    static func message(from row: SQLiteRow) throws -> OutboxMessage {
        OutboxMessage(
            jobID: row.string("job_id") ?? "",
            traceID: row.string("trace_id") ?? "",
            payload: row.data("payload") ?? Data(),
            attempts: row.int("attempts") ?? 0,
            state: DeliveryStatus.State(rawValue: row.string("state") ?? "") ?? .pending,
            lastStatus: row.int("last_status"),
            lastError: row.string("last_error"),
            createdAt: Date(unixMilliseconds: Int64(row.int("created_at") ?? 0))
        )
    }
}
