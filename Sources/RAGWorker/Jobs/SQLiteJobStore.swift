import Curl
import Foundation
import Logging
import RAGPipeline
import SQLite
import Synchronization
import Telemetry

/// ``JobStore`` and ``OutboxStore`` in one SQLite file (WAL), for a single instance.
///
/// A job and its outbox row change in one transaction, so a finished job always has its
/// delivery queued. One server process owns a data directory (``DataDirectoryLock``), which is
/// why start-up may take back every job left `running`, and why the process's clock is the
/// store's clock for leases (``clock``; tests move it).
final class SQLiteJobStore: JobStore, OutboxStore {
    let database: SQLiteDatabase
    /// The store's clock: lease expiry and due times are read from it.
    let clock: @Sendable () -> Date
    /// Jobs queued or running, kept in step with the table by the write queue so that the
    /// accept path checks the backlog in O(1) instead of counting rows.
    private let backlog: Mutex<Int>
    /// Stage timings waiting for the one queued write that records them all; nil when no such
    /// write is queued.
    private let pendingStageTimings = Mutex<[(jobID: String, claim: String, timing: StageTiming)]?>(nil)

    /// Opens (creating and migrating) `jobs.sqlite` in `directory`.
    /// The store's file in the data directory.
    static let fileName = "jobs.sqlite"

    init(directory: String, durability: SQLiteDatabase.Durability = .normal, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.clock = clock
        database = try SQLiteDatabase(
            path: (directory as NSString).appendingPathComponent(Self.fileName),
            options: .init(durability: durability)
        )
        let depth = try database.writeSynchronously { connection in
            try Self.migrate(connection)
            return try Self.countBacklog(connection)
        }
        backlog = Mutex(depth)
    }

    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome {
        let request = job.request
        return try await database.write { connection in
            let outcome: AcceptOutcome = try connection.transaction {
                if try connection.queryFirst("SELECT 1 AS found FROM jobs WHERE id = ?", [request.jobID]) != nil {
                    guard let row = try connection.queryFirst(Self.selectJob + " WHERE j.id = ?", [request.jobID]) else {
                        throw SQLiteError(code: 0, message: "job \(request.jobID) vanished inside a transaction")
                    }
                    return .existing(try Self.record(from: row))
                }
                let depth = self.backlog.withLock { $0 }
                guard depth < maxBacklog else { return .backlogFull(depth: depth) }
                try connection.run(
                    """
                    INSERT INTO jobs (id, state, request, trace_id, traceparent, validation_ms, accepted_at)
                    VALUES (?, 'queued', ?, ?, ?, ?, ?)
                    """,
                    [request.jobID, job.body, job.traceID, job.traceparent, job.validationMilliseconds, now.unixMilliseconds]
                )
                return .accepted(JobRecord(
                    request: request, state: .queued, traceID: job.traceID, traceparent: job.traceparent,
                    validationMilliseconds: job.validationMilliseconds, acceptedAt: now.truncatedToMilliseconds,
                    attempts: 0, stageTimings: []
                ))
            }
            // Counted only once committed, on the same queue as every other change.
            if case .accepted = outcome { self.backlog.withLock { $0 += 1 } }
            return outcome
        }
    }

    // Rows are decoded by the caller, not on the connection's queue: decoding a job (its request
    // validated again, its result and timings parsed) would hold the connection for longer than
    // the query did.

    func job(id: String) async throws -> JobRecord? {
        try await database.read { connection in
            try connection.queryFirst(Self.selectJob + " WHERE j.id = ?", [id])
        }.map(Self.record(from:))
    }

    /// The oldest queued job, or a running one whose lease expired: its runner could not record
    /// the finish (a failed write) or stopped renewing, so it runs again, as on Postgres.
    func claimNext(owner: String, lease: Duration) async throws -> JobRecord? {
        let now = clock()
        let expires = now.addingTimeInterval(lease.seconds).unixMilliseconds
        let claim = ClaimToken.make(owner: owner)
        let row = try await database.write { connection -> SQLiteRow? in
            try connection.transaction {
                guard let claimed = try connection.queryFirst(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, stage_timings = '[]', "
                        + "started_at = ?, lease_owner = ?, lease_expires_at = ? WHERE id = (\(Self.nextClaimable)) RETURNING id",
                    [now.unixMilliseconds, claim, expires, now.unixMilliseconds]
                ), let id = claimed.string("id") else { return nil }
                return try connection.queryFirst(Self.selectJob + " WHERE j.id = ?", [id])
            }
        }
        guard var record = try row.map(Self.record(from:)) else { return nil }
        record.claim = claim
        return record
    }

    /// The job a claim takes (one binding: now). The `state IN` term is the backlog index's own
    /// condition: SQLite uses a partial index only when the query repeats it, and without the
    /// index every claim would scan every job the retention period keeps.
    static let nextClaimable = """
        SELECT id FROM jobs
        WHERE state IN ('queued', 'running') AND (state = 'queued' OR lease_expires_at < ?)
        ORDER BY accepted_at, rowid LIMIT 1
        """

    func renewLease(_ id: String, claim: String, lease: Duration) async throws -> Bool {
        let expires = clock().addingTimeInterval(lease.seconds).unixMilliseconds
        return try await database.write { connection in
            try connection.run(
                "UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?",
                [expires, id, claim]
            ) == 1
        }
    }

    /// Queued on the writer without waiting: the stage's update lands before the job's next write
    /// (its `finish`), and the pipeline goes on to the next stage meanwhile. A failure is logged.
    ///
    /// Timings recorded while an earlier one still waits for the writer join its write: when
    /// jobs end stages together, one transaction records them all instead of each waking the
    /// writer and holding up the accepts, claims and finishes queued behind it. SQLite builds
    /// the JSON itself (with ``StageTiming``'s coding keys), so the writer holds no encoder.
    func recordStage(_ id: String, claim: String, timing: StageTiming) async throws {
        let startsWrite = pendingStageTimings.withLock { pending in
            guard pending != nil else {
                pending = [(id, claim, timing)]
                return true
            }
            pending?.append((id, claim, timing))
            return false
        }
        guard startsWrite else { return }
        database.enqueueWrite({ [self] connection in
            let batch = pendingStageTimings.withLock { pending in
                defer { pending = nil }
                return pending ?? []
            }
            try connection.transaction {
                for (id, claim, timing) in batch {
                    try connection.run(Self.appendStageTiming, [
                        timing.stage.rawValue, timing.milliseconds, timing.provider, timing.attempts, timing.outcome, id, claim,
                    ])
                }
            }
        }, onError: { error in
            Logger(label: "rag-worker.jobs").warning("cannot record stage timings", metadata: ["error": "\(error)"])
        })
    }

    func finish(
        _ id: String, claim: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLease: Duration?
    ) async throws -> FinishResult {
        let encoder = JSONEncoder()
        let (state, result, failure): (JobState, Data?, Data?) = switch outcome {
        case .succeeded(let result): (.succeeded, try encoder.encode(result), nil)
        case .failed(let failure): (.failed, nil, try encoder.encode(failure))
        }
        let due = clock()
        let deliveryClaim = deliveryLease.map { _ in ClaimToken.make(owner: ClaimToken.owner(of: claim)) }
        let deliveryExpires = deliveryLease.map { due.addingTimeInterval($0.seconds).unixMilliseconds }
        return try await database.write { connection in
            let finished: FinishResult = try connection.transaction {
                let changed = try connection.run(
                    """
                    UPDATE jobs SET state = ?, finished_at = ?, result = ?, failure = ?,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ? AND state = 'running' AND lease_owner = ?
                    """,
                    [state.rawValue, now.unixMilliseconds, result, failure, id, claim]
                )
                guard changed == 1 else { return .leaseLost }
                let traceID = try connection.queryFirst("SELECT trace_id FROM jobs WHERE id = ?", [id])?.string("trace_id") ?? ""
                let inserted = try connection.run(
                    """
                    INSERT INTO outbox (job_id, trace_id, payload, state, attempts, next_attempt_at, created_at,
                        lease_owner, lease_expires_at)
                    VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING
                    """,
                    [id, traceID, payload, due.unixMilliseconds, now.unixMilliseconds, deliveryClaim, deliveryExpires]
                )
                return .finished(deliveryClaim: inserted == 1 ? deliveryClaim : nil)
            }
            if finished != .leaseLost { self.backlog.withLock { $0 -= 1 } }
            return finished
        }
    }

    func release(_ id: String, claim: String) async throws -> Bool {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """,
                [id, claim]
            ) == 1
        }
    }

    func recoverInterrupted() async throws -> Int {
        try await database.write { connection in
            try connection.run("UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL WHERE state = 'running'")
        }
    }

    private static let appendStageTiming: String = {
        typealias Key = StageTiming.CodingKeys
        let members = [Key.stage, .milliseconds, .provider, .attempts, .outcome].map { "'\($0.stringValue)', ?" }
        return "UPDATE jobs SET stage_timings = json_insert(stage_timings, '$[#]', json_object(\(members.joined(separator: ", ")))) "
            + "WHERE id = ? AND state = 'running' AND lease_owner = ?"
    }()

    func backlogDepth() async throws -> Int {
        backlog.withLock { $0 }
    }

    func ping() async throws {
        _ = try await database.read { try $0.queryFirst("SELECT 1 AS one") }
    }

    private static func countBacklog(_ connection: SQLiteConnection) throws -> Int {
        try connection.queryFirst("SELECT COUNT(*) AS depth FROM jobs WHERE state IN ('queued', 'running')")?.int("depth") ?? 0
    }
}
