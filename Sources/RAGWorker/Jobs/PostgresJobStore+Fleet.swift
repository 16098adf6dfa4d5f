import Curl
import PostgresNIO

/// The fleet registry in `rag_runners` (migration `005_fleet.sql`): one row per live `serve`
/// process, timed by the database's clock like the job leases, so instances whose clocks
/// disagree still agree on who is live.
extension PostgresJobStore: FleetRegistry {
    /// Upserts the heartbeat and reads the backlog and the live runners in one statement. The
    /// data-modifying CTEs run once whether or not they are read, but their rows are not visible
    /// to the statement's own reads, so the live count is the others' plus this one. Rows
    /// expired for an hour are deleted on the way.
    func heartbeat(_ member: FleetMember, ttl: Duration) async throws -> FleetLoad {
        try await schema.ready()
        let rows = try await client.query("""
            WITH beat AS (
                INSERT INTO rag_runners (owner, concurrency, started_at, heartbeat_at, expires_at)
                VALUES (\(member.owner), \(member.concurrency), clock_timestamp(), clock_timestamp(),
                        clock_timestamp() + make_interval(secs => \(ttl.seconds)))
                ON CONFLICT (owner) DO UPDATE SET concurrency = excluded.concurrency,
                    heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
                RETURNING owner),
            pruned AS (
                DELETE FROM rag_runners WHERE expires_at < clock_timestamp() - interval '1 hour' RETURNING owner)
            SELECT
                (SELECT count(*) FROM rag_jobs WHERE state IN ('queued', 'running')),
                (SELECT count(*) FROM rag_runners r WHERE r.expires_at > clock_timestamp() AND r.owner <> \(member.owner)),
                (SELECT coalesce(sum(r.concurrency), 0) FROM rag_runners r
                 WHERE r.expires_at > clock_timestamp() AND r.owner <> \(member.owner))
            """, logger: logger)
        for try await (backlog, others, otherSlots) in rows.decode((Int, Int, Int).self) {
            return FleetLoad(backlog: backlog, liveInstances: others + 1, liveSlots: otherSlots + member.concurrency)
        }
        throw PostgresJobStoreError(message: "the fleet heartbeat returned no row")
    }

    func leave(owner: String) async throws {
        try await client.query("DELETE FROM rag_runners WHERE owner = \(owner)", logger: logger)
    }
}
