/// The ring buffer's tables: one `records` table for spans, logs and metric intervals, with the
/// columns post-mortems filter on and the whole record as JSON in `payload`; and `captures`, the
/// prompts and replies of each job when `RAG_CAPTURE_CONTENT=local` (its own bounds and
/// retention, ``RingBufferStore/storeCapture(_:encoded:limits:)``).
///
/// Ids are integers (a trace id is two: `trace_hi`, `trace_lo`; SQLite stores the bit patterns of
/// the unsigned values) so rows and index keys stay small; `printf('%016x%016x', trace_hi,
/// trace_lo)` gives the hex form back. Indexes are few on purpose (each costs every insert): the
/// trace for timelines, and partial indexes of the `rag.job` and `rag.validate` spans (job id
/// lookups, reports).
enum RingBufferSchema {
    static let version = 2

    static let create = """
        CREATE TABLE IF NOT EXISTS records (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            time_ns INTEGER NOT NULL,
            end_ns INTEGER,
            trace_hi INTEGER,
            trace_lo INTEGER,
            span_id INTEGER,
            parent_id INTEGER,
            name TEXT,
            job_id TEXT,
            status TEXT,
            duration_ns INTEGER,
            payload TEXT NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS records_trace ON records(trace_hi) WHERE trace_hi IS NOT NULL;
        CREATE INDEX IF NOT EXISTS records_job ON records(job_id) WHERE kind = 'span' AND name IN ('rag.job', 'rag.validate');
        CREATE INDEX IF NOT EXISTS records_jobs ON records(end_ns) WHERE kind = 'span' AND name = 'rag.job';
        CREATE TABLE IF NOT EXISTS captures (
            id INTEGER PRIMARY KEY,
            job_id TEXT NOT NULL,
            trace_id TEXT NOT NULL,
            time_ns INTEGER NOT NULL,
            payload TEXT NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS captures_job ON captures(job_id);
        CREATE TABLE IF NOT EXISTS ring_buffer_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT OR IGNORE INTO ring_buffer_meta(key, value) VALUES ('schema_version', '\(version)');
        """

    static let insert = """
        INSERT INTO records (kind, time_ns, end_ns, trace_hi, trace_lo, span_id, parent_id, name, job_id, status, duration_ns, payload, bytes)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Record kinds in the `kind` column.
    enum Kind: String, Sendable {
        case span
        case log
        case metric
    }
}
