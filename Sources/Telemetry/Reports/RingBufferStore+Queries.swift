import Foundation
import SQLite

/// The reads behind `rag-worker postmortem` and `rag-worker report`.
extension RingBufferStore {
    private static let spanColumns = "name, trace_hi, trace_lo, span_id, parent_id, time_ns, end_ns, status, payload"

    /// Finished job runs (last run per job) whose `rag.job` span ended in `range`, oldest first.
    /// Runs interrupted by a shutdown are left out: the job ran again later.
    public func jobRuns(in range: ReportRange) async throws -> [JobRun] {
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT \(Self.spanColumns),
                    (SELECT MIN(v.time_ns) FROM records v
                     WHERE v.trace_hi = j.trace_hi AND v.trace_lo = j.trace_lo AND v.kind = 'span' AND v.name = 'rag.validate') AS accepted_ns
                FROM records j
                WHERE j.kind = 'span' AND j.name = 'rag.job' AND j.end_ns >= ? AND j.end_ns < ?
                ORDER BY j.end_ns
                """, [range.startNanoseconds, range.endNanoseconds])
        }
        var latest: [String: JobRun] = [:]
        var order: [String] = []
        for row in rows {
            guard let span = StoredSpan(row: row), span.outcome != "interrupted" else { continue }
            let run = JobRun(job: span, acceptedNanoseconds: row.int("accepted_ns").map { UInt64(max($0, 0)) })
            if latest[run.jobID] == nil { order.append(run.jobID) }
            latest[run.jobID] = run
        }
        return order.compactMap { latest[$0] }
    }

    /// Every span of the trace, by start time.
    public func spans(traceID: String) async throws -> [StoredSpan] {
        guard let (high, low) = RingBufferRow.traceColumns(traceID) else { return [] }
        return try await database.read { connection in
            try connection.query(
                "SELECT \(Self.spanColumns) FROM records WHERE trace_hi = ? AND trace_lo = ? AND kind = 'span' ORDER BY time_ns, id",
                [high, low])
        }.compactMap(StoredSpan.init(row:))
    }

    /// Log records of the trace at `minimumLevel` or above, by time.
    public func logs(traceID: String, minimumLevels: [String] = ["warning", "error", "critical"]) async throws -> [StoredLog] {
        guard let (high, low) = RingBufferRow.traceColumns(traceID) else { return [] }
        let placeholders = minimumLevels.map { _ in "?" }.joined(separator: ",")
        let bindings: [SQLiteValue] = [.integer(high), .integer(low)] + minimumLevels.map(SQLiteValue.text)
        return try await database.read { connection in
            try connection.query("""
                SELECT time_ns, name, status, payload FROM records
                WHERE trace_hi = ? AND trace_lo = ? AND kind = 'log' AND status IN (\(placeholders)) ORDER BY time_ns, id
                """, bindings)
        }.compactMap(StoredLog.init(row:))
    }

    /// The trace id of a job: from its `rag.job` or `rag.validate` span, else from any record
    /// that names the job (a scan, for a job whose spans were evicted or never ended).
    public func traceID(ofJob jobID: String) async throws -> String? {
        let row = try await database.read { connection in
            try connection.queryFirst("""
                SELECT trace_hi, trace_lo FROM records
                WHERE kind = 'span' AND name IN ('rag.job', 'rag.validate') AND job_id = ? ORDER BY id DESC LIMIT 1
                """, [jobID])
                ?? connection.queryFirst(
                    "SELECT trace_hi, trace_lo FROM records WHERE job_id = ? AND trace_hi IS NOT NULL ORDER BY id DESC LIMIT 1", [jobID])
        }
        guard let row, let high = row.int("trace_hi"), let low = row.int("trace_lo") else { return nil }
        return TraceIDs.hex(UInt64(bitPattern: Int64(high))) + TraceIDs.hex(UInt64(bitPattern: Int64(low)))
    }

    /// Spans named `name` that ended in `range`.
    public func spans(named name: String, in range: ReportRange) async throws -> [StoredSpan] {
        try await database.read { connection in
            try connection.query("""
                SELECT \(Self.spanColumns) FROM records
                WHERE kind = 'span' AND name = ? AND end_ns >= ? AND end_ns < ? ORDER BY end_ns
                """, [name, range.startNanoseconds, range.endNanoseconds])
        }.compactMap(StoredSpan.init(row:))
    }
}

/// A log record read back from the ring buffer.
public struct StoredLog: Sendable, Codable, Equatable {
    public var timeNanoseconds: UInt64
    public var label: String
    public var level: String
    public var message: String
    public var error: String?
    public var errorCode: String?

    init?(row: SQLiteRow) {
        guard let time = row.int("time_ns"), let payload = row.string("payload"),
              let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        else { return nil }
        timeNanoseconds = UInt64(max(time, 0))
        label = row.string("name") ?? ""
        level = row.string("status") ?? "info"
        message = object["message"] as? String ?? ""
        // `error` is the logged error; a metadata key of that name is stored as `metadata.error`.
        error = (object["error"] as? String) ?? (object["metadata.error"] as? String)
        errorCode = object["error.code"] as? String
    }
}
