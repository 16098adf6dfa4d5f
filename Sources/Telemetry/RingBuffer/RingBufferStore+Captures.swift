import Foundation
import SQLite

extension RingBufferStore {
    /// Stores one job's captured content in the `captures` table, then deletes what falls outside
    /// `limits`: captures older than the retention, then the oldest beyond the job and byte bounds.
    /// The `records` table and its limits are not touched.
    public func storeCapture(_ document: CapturedContent, encoded: Data, limits: CaptureRetention) async throws {
        let now = UInt64(max(0, Date().timeIntervalSince1970) * 1e9)
        let age = limits.maxAge.components
        let oldest = now &- UInt64(max(0, Double(age.seconds) * 1e9 + Double(age.attoseconds) / 1e9))
        let payload = String(decoding: encoded, as: UTF8.self)
        try await database.write { connection in
            try connection.transaction {
                try connection.run(
                    "INSERT INTO captures (job_id, trace_id, time_ns, payload, bytes) VALUES (?, ?, ?, ?, ?)",
                    [document.jobID, document.traceID, Int64(bitPattern: now), payload, encoded.count])
                try connection.run("DELETE FROM captures WHERE time_ns < ?", [Int64(bitPattern: oldest)])
                // Newest first: keep rows while both bounds hold, delete the rest.
                let rows = try connection.query("SELECT id, bytes FROM captures ORDER BY id DESC")
                var kept = 0
                var bytes = 0
                for row in rows {
                    kept += 1
                    bytes += row.int("bytes") ?? 0
                    if kept > limits.maxJobs || (bytes > limits.maxBytes && kept > 1) {
                        try connection.run("DELETE FROM captures WHERE id <= ?", [Int64(row.int("id") ?? 0)])
                        break
                    }
                }
            }
        }
    }
}
