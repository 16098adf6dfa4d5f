import Foundation
import SQLite
import Synchronization

/// The SQLite ring buffer: appends records in transactions, evicts the oldest beyond its limits,
/// and answers the post-mortem and report queries.
///
/// One process writes a given file; any number may read it (WAL), including a post-mortem while
/// the worker runs or after it was killed.
public final class RingBufferStore: Sendable {
    /// Rows and bytes the table holds, kept in memory so a flush never scans the table.
    public struct Totals: Sendable, Equatable {
        public var rows: Int
        public var bytes: Int
    }

    public let database: SQLiteDatabase
    public let limits: RingBufferLimits
    private let totals: Mutex<Totals>
    private let evicted = Atomic<Int>(0)

    /// Opens (creating when missing) the ring buffer at `path`.
    ///
    /// - Parameter replaceIfDamaged: when the file is not a readable database (a power loss can
    ///   do that with `synchronous = OFF`), move it aside as `<path>.damaged-<time>` and start an
    ///   empty one. The worker passes true; read-only commands false, so they never move data.
    public init(path: String, limits: RingBufferLimits, replaceIfDamaged: Bool = false) throws {
        self.limits = limits
        let opened: (SQLiteDatabase, Totals)
        do {
            opened = try Self.open(path)
        } catch let error as SQLiteError where replaceIfDamaged && Self.isDamaged(error) {
            let suffix = ".damaged-\(Int(Date().timeIntervalSince1970))"
            for extra in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + extra) {
                try FileManager.default.moveItem(atPath: path + extra, toPath: path + suffix + extra)
            }
            opened = try Self.open(path)
        }
        database = opened.0
        totals = Mutex(opened.1)
    }

    private static func open(_ path: String) throws -> (SQLiteDatabase, Totals) {
        let database = try SQLiteDatabase(path: path)
        let counted = try database.writeSynchronously { connection -> Totals in
            // A bigger page cache keeps index pages in memory across batches. `synchronous = OFF`:
            // commits and checkpoints skip fsync. A killed process loses nothing committed (the
            // data is in the OS cache); only a power loss or kernel crash can lose or damage the
            // file, which the worker then sets aside and starts afresh.
            try connection.execute("PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -16384; PRAGMA synchronous = OFF;")
            try connection.execute(RingBufferSchema.create)
            let row = try connection.queryFirst("SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM records")
            return Totals(rows: row?.int("n") ?? 0, bytes: row?.int("b") ?? 0)
        }
        return (database, counted)
    }

    /// `SQLITE_CORRUPT` or `SQLITE_NOTADB`.
    private static func isDamaged(_ error: SQLiteError) -> Bool {
        error.code & 0xff == 11 || error.code & 0xff == 26
    }

    /// Rows and bytes stored now.
    public var currentTotals: Totals { totals.withLock { $0 } }

    /// Records evicted since this store was opened.
    public var evictedCount: Int { evicted.load(ordering: .relaxed) }

    /// Appends `records` in one transaction, then evicts the oldest beyond the limits.
    public func append(_ records: [TelemetryRecord]) async throws {
        try await append(rows: records.map(RingBufferRow.init))
    }

    /// Appends rows already encoded (encoding is the caller's CPU work, so a writer can encode the
    /// next batch while this one commits).
    func append(rows: [RingBufferRow]) async throws {
        guard !rows.isEmpty else { return }
        try await database.write { [self] connection in
            // Writes are serial on the database's write queue, so totals change only here; they are
            // updated after the commit so a rolled-back transaction leaves them true.
            let before = currentTotals
            let (after, removed) = try connection.transaction { () throws -> (Totals, Int) in
                var after = before
                let insert = try connection.cachedStatement(RingBufferSchema.insert)
                for row in rows {
                    defer { insert.reset() }
                    try insert.bind(row.bindings)
                    _ = try insert.step()
                    after.rows += 1
                    after.bytes += row.bytes
                }
                guard after.rows > limits.maxRows || after.bytes > limits.maxBytes else { return (after, 0) }
                return try evict(connection, from: after)
            }
            totals.withLock { $0 = after }
            evicted.add(removed, ordering: .relaxed)
        }
    }

    /// Deletes the oldest rows until both totals are at or below the low-water marks.
    ///
    /// - Returns: the totals left and the number of rows deleted.
    private func evict(_ connection: SQLiteConnection, from current: Totals) throws -> (Totals, Int) {
        var remaining = current
        var lastID: Int64 = -1
        var removed = 0
        scan: while remaining.rows > limits.lowWaterRows || remaining.bytes > limits.lowWaterBytes {
            let chunk = try connection.query(
                "SELECT id, bytes FROM records WHERE id > ? ORDER BY id LIMIT 2048", [lastID])
            if chunk.isEmpty { break }
            for row in chunk {
                guard remaining.rows > limits.lowWaterRows || remaining.bytes > limits.lowWaterBytes else { break scan }
                lastID = Int64(row.int("id") ?? 0)
                remaining.rows -= 1
                remaining.bytes -= row.int("bytes") ?? 0
                removed += 1
            }
        }
        if removed > 0 {
            try connection.run("DELETE FROM records WHERE id <= ?", [lastID])
        }
        return (remaining, removed)
    }
}
