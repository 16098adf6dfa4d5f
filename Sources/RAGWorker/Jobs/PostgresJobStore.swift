import Curl
import Foundation
import Logging
import PostgresNIO
import RAGPipeline
import Synchronization

/// ``JobStore`` and ``OutboxStore`` in Postgres (`DATABASE_URL`), shared by several instances.
///
/// The tables (`rag_jobs`, `rag_outbox`) come from the shipped migration
/// `003_jobs.sql`, applied before the first use by ``PostgresMigrator``. Claims take the oldest
/// queued job, or a running one whose lease expired, with `FOR UPDATE SKIP LOCKED`, so two
/// instances never claim the same job and never wait on each other; a runner renews its lease
/// while the pipeline runs, and `finish` only succeeds for the holder of the claim. A job and
/// its outbox row change in one transaction, as in ``SQLiteJobStore``.
///
/// Every lease and due time is the database's clock (`clock_timestamp()`), never an
/// instance's: instances whose clocks disagree still agree on when a lease ends.
final class PostgresJobStore: JobStore, OutboxStore {
    let source: any PostgresClientSource
    let logger: Logger
    let schema: SchemaGate

    /// The client for this call: a rotated `DATABASE_URL` gives a new one (``RotatingPostgresClient``).
    var client: PostgresClient { source.client }

    /// - Parameter client: a `PostgresClient` whose `run()` is active (a service of the group), or
    ///   a ``RotatingPostgresClient`` that is.
    init(client: any PostgresClientSource, logger: Logger) {
        self.source = client
        self.logger = logger
        self.schema = SchemaGate(client: client, logger: logger)
    }

    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome {
        try await schema.ready()
        let request = job.request
        let outcome: AcceptOutcome? = try await client.withTransaction(logger: logger) { connection in
            if try await Self.exists(request.jobID, on: connection, logger: logger) { return nil }
            let depth = try await Self.backlog(on: connection, logger: logger)
            guard depth < maxBacklog else { return .backlogFull(depth: depth) }
            let inserted = try await connection.query("""
                INSERT INTO rag_jobs (id, state, request, trace_id, traceparent, validation_ms, accepted_at)
                VALUES (\(request.jobID), 'queued', \(job.body), \(job.traceID), \(job.traceparent),
                        \(job.validationMilliseconds), \(now.truncatedToMilliseconds))
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """, logger: logger)
            // Another instance accepted the same id between our check and our insert.
            guard try await inserted.collect().count == 1 else { return nil }
            return .accepted(JobRecord(
                request: request, state: .queued, traceID: job.traceID, traceparent: job.traceparent,
                validationMilliseconds: job.validationMilliseconds, acceptedAt: now.truncatedToMilliseconds,
                attempts: 0, stageTimings: []
            ))
        }
        if let outcome { return outcome }
        guard let existing = try await self.job(id: request.jobID) else {
            throw PostgresJobStoreError(message: "job \(request.jobID) exists but could not be read")
        }
        return .existing(existing)
    }

    func job(id: String) async throws -> JobRecord? {
        try await schema.ready()
        let rows = try await client.query(PostgresQuery(unsafeSQL: Self.selectJob + " WHERE j.id = $1", binds: Self.binds(id)), logger: logger)
        for try await row in rows { return try Self.record(from: row) }
        return nil
    }

    func claimNext(owner: String, lease: Duration) async throws -> JobRecord? {
        try await schema.ready()
        let claim = ClaimToken.make(owner: owner)
        let rows = try await client.query("""
            UPDATE rag_jobs SET state = 'running', attempts = attempts + 1, stage_timings = '[]'::jsonb,
                started_at = clock_timestamp(), lease_owner = \(claim),
                lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.seconds))
            WHERE id = (
                SELECT id FROM rag_jobs
                WHERE state = 'queued' OR (state = 'running' AND lease_expires_at < clock_timestamp())
                ORDER BY accepted_at, id
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(String.self) {
            var record = try await job(id: id)
            record?.claim = claim
            return record
        }
        return nil
    }

    func renewLease(_ id: String, claim: String, lease: Duration) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE rag_jobs SET lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.seconds))
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(claim)
            RETURNING id
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    func recordStage(_ id: String, claim: String, timing: StageTiming) async throws {
        let encoded = String(decoding: try JSONEncoder().encode(timing), as: UTF8.self)
        try await client.query("""
            UPDATE rag_jobs SET stage_timings = stage_timings || jsonb_build_array(\(encoded)::jsonb)
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(claim)
            """, logger: logger)
    }

    func finish(
        _ id: String, claim: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLease: Duration?
    ) async throws -> FinishResult {
        let encoder = JSONEncoder()
        let (state, result, failure): (JobState, String?, String?) = switch outcome {
        case .succeeded(let result): (.succeeded, String(decoding: try encoder.encode(result), as: UTF8.self), nil)
        case .failed(let failure): (.failed, nil, String(decoding: try encoder.encode(failure), as: UTF8.self))
        }
        let finishedAt = now.truncatedToMilliseconds
        let deliveryClaim = deliveryLease.map { _ in ClaimToken.make(owner: ClaimToken.owner(of: claim)) }
        let deliveryLeaseSeconds = deliveryLease?.seconds
        return try await client.withTransaction(logger: logger) { connection in
            let updated = try await connection.query("""
                UPDATE rag_jobs SET state = \(state.rawValue), finished_at = \(finishedAt),
                    result = \(result)::jsonb, failure = \(failure)::jsonb, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(claim)
                RETURNING trace_id
                """, logger: logger)
            var traceID: String?
            for try await value in updated.decode(String.self) { traceID = value }
            guard let traceID else { return .leaseLost }
            // Due by the database's clock, as every claim compares it.
            let inserted = try await connection.query("""
                INSERT INTO rag_outbox (job_id, trace_id, payload, state, attempts, next_attempt_at, created_at,
                    lease_owner, lease_expires_at)
                VALUES (\(id), \(traceID), \(payload), 'pending', 0, clock_timestamp(), \(finishedAt), \(deliveryClaim),
                    clock_timestamp() + make_interval(secs => \(deliveryLeaseSeconds)))
                ON CONFLICT (job_id) DO NOTHING
                RETURNING job_id
                """, logger: logger).collect().count
            return .finished(deliveryClaim: inserted == 1 ? deliveryClaim : nil)
        }
    }

    func release(_ id: String, claim: String) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE rag_jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(claim)
            RETURNING id
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    /// Makes jobs whose lease expired claimable again. Unlike the single-instance SQLite store,
    /// it never takes a job another live instance holds: only expired leases count.
    func recoverInterrupted() async throws -> Int {
        try await schema.ready()
        let rows = try await client.query("""
            UPDATE rag_jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL
            WHERE state = 'running' AND lease_expires_at < clock_timestamp()
            RETURNING id
            """, logger: logger)
        return try await rows.collect().count
    }

    func backlogDepth() async throws -> Int {
        try await schema.ready()
        return try await client.withConnection { connection in
            try await Self.backlog(on: connection, logger: logger)
        }
    }

    func ping() async throws {
        _ = try await client.query("SELECT 1", logger: logger).collect()
    }

    private static func exists(_ id: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query("SELECT 1 FROM rag_jobs WHERE id = \(id)", logger: logger)
        return try await rows.collect().count > 0
    }

    private static func backlog(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*) FROM rag_jobs WHERE state IN ('queued', 'running')", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}

/// Applies the shipped migrations once, before the store's first use; concurrent callers wait
/// for the same run, and a failed run is tried again by the next caller.
actor SchemaGate {
    private let source: any PostgresClientSource
    private let logger: Logger
    private var applied = false
    private var running: Task<Void, any Error>?

    init(client: any PostgresClientSource, logger: Logger) {
        self.source = client
        self.logger = logger
    }

    func ready() async throws {
        if applied { return }
        if let running { return try await running.value }
        let task = Task { [source, logger] in
            _ = try await PostgresMigrator(client: source.client, logger: logger).migrate()
        }
        running = task
        do {
            _ = try await task.value
            applied = true
        } catch {
            running = nil
            throw error
        }
    }
}

/// The Postgres job store could not do what was asked; never carries bound values.
struct PostgresJobStoreError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
