/// The ring buffer's tables: one `records` table for spans, logs and metric intervals, with the
/// columns post-mortems filter on and the whole record as JSON in `payload`.
///
/// Indexes are few on purpose (each costs every insert): trace id and job id for post-mortems,
/// and a partial index of `rag.job` spans by end time for reports.
enum RingBufferSchema {
    static let version = 1

    static let create = """
        CREATE TABLE IF NOT EXISTS records (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            time_ns INTEGER NOT NULL,
            end_ns INTEGER,
            trace_id TEXT,
            span_id TEXT,
            parent_id TEXT,
            name TEXT,
            job_id TEXT,
            status TEXT,
            duration_ns INTEGER,
            payload TEXT NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS records_trace ON records(trace_id) WHERE trace_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS records_job ON records(job_id) WHERE job_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS records_jobs ON records(end_ns) WHERE kind = 'span' AND name = 'rag.job';
        CREATE TABLE IF NOT EXISTS ring_buffer_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT OR IGNORE INTO ring_buffer_meta(key, value) VALUES ('schema_version', '\(version)');
        """

    static let insert = """
        INSERT INTO records (kind, time_ns, end_ns, trace_id, span_id, parent_id, name, job_id, status, duration_ns, payload, bytes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Record kinds in the `kind` column.
    enum Kind: String, Sendable {
        case span
        case log
        case metric
    }
}
