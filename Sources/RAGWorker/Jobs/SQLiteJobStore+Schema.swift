import SQLite

extension SQLiteJobStore {
    /// Schema migrations, applied in order; `PRAGMA user_version` records the last one applied.
    static let migrations: [String] = [
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
            request BLOB NOT NULL,
            trace_id TEXT NOT NULL,
            traceparent TEXT NOT NULL,
            validation_ms REAL NOT NULL DEFAULT 0,
            accepted_at INTEGER NOT NULL,
            started_at INTEGER,
            finished_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            stage_timings BLOB NOT NULL DEFAULT '[]',
            result BLOB,
            failure BLOB
        );
        CREATE INDEX jobs_backlog ON jobs (state, accepted_at) WHERE state IN ('queued', 'running');
        CREATE TABLE outbox (
            job_id TEXT PRIMARY KEY REFERENCES jobs (id),
            trace_id TEXT NOT NULL,
            payload BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            last_status INTEGER,
            last_error TEXT,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER
        );
        CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
        CREATE INDEX outbox_dead ON outbox (created_at) WHERE state = 'dead';
        """,
        """
        CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered';
        """,
        // The delivery SLO's "counted" mark (DeliverySLOStore). Jobs finished before this version
        // are marked as not tracked, so the first sweep does not count history.
        """
        ALTER TABLE jobs ADD COLUMN slo_counted_at INTEGER;
        ALTER TABLE jobs ADD COLUMN slo_verdict TEXT;
        ALTER TABLE jobs ADD COLUMN slo_cause TEXT;
        UPDATE jobs SET slo_counted_at = accepted_at, slo_verdict = 'untracked' WHERE state IN ('succeeded', 'failed');
        CREATE INDEX jobs_slo_uncounted ON jobs (accepted_at) WHERE slo_counted_at IS NULL;
        """,
    ]

    /// Applies the migrations this file has not seen yet, each in its own transaction.
    static func migrate(_ connection: SQLiteConnection) throws {
        let current = try connection.queryFirst("PRAGMA user_version")?.int("user_version") ?? 0
        for (index, migration) in migrations.enumerated() where index >= current {
            try connection.transaction {
                try connection.execute(migration)
                try connection.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
