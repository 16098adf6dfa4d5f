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

    @Test("committed pages reach the database file by a background checkpoint, without a checkpoint inside any commit")
    func backgroundCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("t.sqlite")
            let database = try SQLiteDatabase(path: path)
            try await database.write { try $0.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
            let row = String(repeating: "x", count: 4_000)
            for _ in 0..<250 {
                try await database.write { _ = try $0.run("INSERT INTO t (v) VALUES (?)", [row]) }
            }
            // About 1 MB committed: below SQLite's automatic checkpoint (1,000 pages), so only the
            // background checkpoint can have copied it into the database file.
            let deadline = ContinuousClock.now + .seconds(10)
            var size = 0
            while ContinuousClock.now < deadline {
                size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                if size >= 1_000_000 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(size >= 1_000_000, "database file is \(size) bytes")
        }
    }
}
