import Curl
import Foundation
import SQLite

extension SQLiteJobStore {
    /// One claim token for the batch: a token only has to change each time the same row is
    /// claimed again, and every write names the row as well.
    func claimDue(owner: String, lease: Duration, limit: Int) async throws -> [OutboxMessage] {
        let now = clock()
        let nowMS = now.unixMilliseconds
        let expires = now.addingTimeInterval(lease.seconds).unixMilliseconds
        let claim = ClaimToken.make(owner: owner)
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
                [claim, expires, nowMS, nowMS, limit]
            )
        }.map { row in
            var message = try Self.message(from: row)
            message.claim = claim
            return message
        }
    }

    func extendDeliveryLease(_ jobID: String, claim: String, lease: Duration) async throws -> Bool {
        let expires = clock().addingTimeInterval(lease.seconds).unixMilliseconds
        return try await database.write { connection in
            try connection.run(
                "UPDATE outbox SET lease_expires_at = ? WHERE job_id = ? AND state = 'pending' AND lease_owner = ?",
                [expires, jobID, claim]
            ) == 1
        }
    }

    func markDelivered(_ jobID: String, claim: String, attempts: Int, status: Int, now: Date) async throws -> Bool {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL,
                    delivered_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending' AND lease_owner = ?
                """,
                [attempts, status, now.unixMilliseconds, jobID, claim]
            ) == 1
        }
    }

    func scheduleRetry(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, after delay: Duration) async throws -> Bool {
        let due = clock().addingTimeInterval(delay.seconds).unixMilliseconds
        return try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending' AND lease_owner = ?
                """,
                [attempts, status, error, due, jobID, claim]
            ) == 1
        }
    }

    func deadLetter(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, now: Date) async throws -> Bool {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET state = 'dead', attempts = ?, last_status = ?, last_error = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending' AND lease_owner = ?
                """,
                [attempts, status, error, jobID, claim]
            ) == 1
        }
    }

    func releaseDelivery(_ jobID: String, claim: String) async throws -> Bool {
        let now = clock().unixMilliseconds
        return try await database.write { connection in
            try connection.run(
                """
                UPDATE outbox SET next_attempt_at = min(next_attempt_at, ?), lease_owner = NULL, lease_expires_at = NULL
                WHERE job_id = ? AND state = 'pending' AND lease_owner = ?
                """,
                [now, jobID, claim]
            ) == 1
        }
    }

    func deadLetters(limit: Int) async throws -> [OutboxMessage] {
        try await database.read { connection in
            try connection.query(
                "SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'dead' ORDER BY created_at LIMIT ?",
                [limit]
            )
        }.map(Self.message(from:))
    }

    func requeueDeadLetters(jobIDs: [String]?) async throws -> Int {
        let now = clock().unixMilliseconds
        return try await database.write { connection in
            let requeue = """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?,
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE state = 'dead'
                """
            guard let jobIDs else {
                return try connection.run(requeue, [now])
            }
            return try connection.transaction {
                try jobIDs.reduce(0) { count, id in
                    count + (try connection.run(requeue + " AND job_id = ?", [now, id]))
                }
            }
        }
    }

    func nextDueIn() async throws -> Duration? {
        let now = clock().unixMilliseconds
        let due = try await database.read { connection in
            try connection.queryFirst(
                """
                SELECT MIN(max(next_attempt_at, coalesce(lease_expires_at, 0))) AS due
                FROM outbox WHERE state = 'pending'
                """
            )?.int("due")
        }
        return due.map { .milliseconds(max(0, Int64($0) - now)) }
    }

    /// The columns of an outbox message; the job's acceptance time comes from its row.
    static let outboxColumns =
        "job_id, trace_id, payload, state, attempts, last_status, last_error, created_at, "
        + "(SELECT accepted_at FROM jobs WHERE jobs.id = outbox.job_id) AS accepted_at, "
        + "(SELECT traceparent FROM jobs WHERE jobs.id = outbox.job_id) AS traceparent"

    static func message(from row: SQLiteRow) throws -> OutboxMessage {
        OutboxMessage(
            jobID: row.string("job_id") ?? "",
            traceID: row.string("trace_id") ?? "",
            payload: row.data("payload") ?? Data(),
            attempts: row.int("attempts") ?? 0,
            state: DeliveryStatus.State(rawValue: row.string("state") ?? "") ?? .pending,
            lastStatus: row.int("last_status"),
            lastError: row.string("last_error"),
            createdAt: Date(unixMilliseconds: Int64(row.int("created_at") ?? 0)),
            acceptedAt: row.int("accepted_at").map { Date(unixMilliseconds: Int64($0)) },
            traceparent: row.string("traceparent")
        )
    }
}
