import Foundation
import SQLite
import Testing
import TestSupport

@Suite("SQLiteDatabase")
struct SQLiteDatabaseTests {
    @Test("a transaction that throws leaves nothing behind; committed rows are visible to the reader")
    func transactionsAndReads() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await database.write { connection in
                    try connection.transaction {
                        _ = try connection.run("INSERT INTO t (v) VALUES (?)", ["lost"])
                        throw Abort()
                    }
                }
            }
            try await database.write { _ = try $0.run("INSERT INTO t (v) VALUES (?)", ["kept"]) }
            let values = try await database.read { try $0.query("SELECT v FROM t ORDER BY id").compactMap { $0.string("v") } }
            #expect(values == ["kept"])
        }
    }

    @Test("200 concurrent writers: every row committed once")
    func concurrentWriters() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { try await database.write { _ = try $0.run("INSERT INTO t (v) VALUES (?)", ["row-\(index)"]) } }
                }
                try await group.waitForAll()
            }
            let count = try await database.read { try $0.queryFirst("SELECT COUNT(DISTINCT v) AS n FROM t")?.int("n") }
            #expect(count == 200)
        }
    }

    @Test("once the WAL holds checkpointFrames frames, a background checkpoint copies them into the database file")
    func backgroundCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("t.sqlite")
            let database = try SQLiteDatabase(path: path, options: .init(checkpointFrames: 100))
            try await Self.commitRows(250, to: database)
            // About 1 MB committed: below SQLite's own automatic checkpoint (1,000 pages, and
            // switched off on the writer), so only the background checkpoints can have copied it.
            // What was committed after the last one (under 100 frames) stays in the WAL.
            let size = try await fileSize(path, reaching: 750_000, within: .seconds(10))
            #expect(size >= 750_000, "database file is \(size) bytes")
        }
    }

    @Test("below checkpointFrames no checkpoint runs: commits keep appending to the WAL")
    func noCheckpointBelowThreshold() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("t.sqlite")
            let database = try SQLiteDatabase(path: path, options: .init(checkpointFrames: 1_000))
            try await Self.commitRows(100, to: database)
            // ~200 frames: the rows are in the WAL only; a checkpoint would have grown the file past 400 kB.
            try await Task.sleep(for: .milliseconds(300))
            let size = try await fileSize(path, reaching: 400_000, within: .zero)
            #expect(size < 400_000, "database file is \(size) bytes")
            let count = try await database.read { try $0.queryFirst("SELECT count(*) AS n FROM t")?.int("n") }
            #expect(count == 100)
        }
    }

    /// A query that counts to a billion: seconds of work, only an interrupt ends it early.
    private static let endlessQuery = """
        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000000) SELECT count(*) AS n FROM c
        """

    @Test("a read past its time limit is interrupted: the caller hears at once, and the connection serves the next query")
    func readTimeout() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            let started = ContinuousClock.now
            await #expect {
                _ = try await database.read(timeout: .milliseconds(100)) { try $0.queryFirst(Self.endlessQuery) }
            } throws: { error in
                (error as? SQLiteError)?.isTimeout == true
            }
            // Uninterrupted, the query runs for minutes; the margin is for a loaded CI machine.
            #expect(ContinuousClock.now - started < .seconds(10))
            // The reader is free again (the statement was stopped, not left running), and a
            // statement prepared after the interrupt is not hit by it.
            let answer = try await database.read(timeout: .seconds(5)) { try $0.queryFirst("SELECT 41 + 1 AS answer")?.int("answer") }
            #expect(answer == 42)
        }
    }

    @Test("a write past its time limit rolls back its transaction")
    func writeTimeoutRollsBack() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            await #expect {
                try await database.write(timeout: .milliseconds(100)) { connection in
                    try connection.transaction {
                        try connection.run("INSERT INTO t (v) VALUES ('half-done')")
                        _ = try connection.queryFirst(Self.endlessQuery)
                    }
                }
            } throws: { error in
                (error as? SQLiteError)?.isTimeout == true
            }
            let count = try await database.write(timeout: .seconds(5)) { try $0.queryFirst("SELECT count(*) AS n FROM t")?.int("n") }
            #expect(count == 0)
        }
    }

    @Test("cancelling the caller interrupts its query and ends the wait with CancellationError")
    func cancellationInterrupts() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            let started = ContinuousClock.now
            let task = Task {
                try await database.read(timeout: .seconds(60)) { try $0.queryFirst(Self.endlessQuery)?.int("n") }
            }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            await #expect(throws: CancellationError.self) { _ = try await task.value }
            let answer = try await database.read(timeout: .seconds(5)) { try $0.queryFirst("SELECT 6 * 7 AS answer")?.int("answer") }
            #expect(answer == 42)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    /// Creates table `t` and commits `count` rows of 4,000 bytes, one transaction each (about
    /// two WAL frames per commit).
    private static func commitRows(_ count: Int, to database: SQLiteDatabase) async throws {
        try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        let row = String(repeating: "x", count: 4_000)
        for _ in 0..<count {
            try await database.write { _ = try $0.run("INSERT INTO t (v) VALUES (?)", [row]) }
        }
    }

    /// The file's size once it reaches `bytes`, or when `timeout` passes.
    private func fileSize(_ path: String, reaching bytes: Int, within timeout: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size >= bytes || ContinuousClock.now >= deadline { return size }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
