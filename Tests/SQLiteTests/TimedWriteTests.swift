import Dispatch
import Foundation
import SQLite
import Testing
import TestSupport

@Suite("SQLiteDatabase timed writes")
struct TimedWriteTests {
    @Test("a write given up on between two statements of its transaction rolls back instead of committing")
    func givenUpBetweenStatements() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            try await database.write { try $0.execute("CREATE TABLE t (v TEXT NOT NULL)") }
            let resumeBody = DispatchSemaphore(value: 0)
            await #expect(throws: SQLiteError.self) {
                try await database.write(timeout: .milliseconds(100)) { connection in
                    try connection.transaction {
                        _ = try connection.run("INSERT INTO t (v) VALUES ('first')")
                        // No statement runs here: the time limit's interrupt finds nothing to stop,
                        // and SQLite forgets it when the next statement starts.
                        resumeBody.wait()
                        _ = try connection.run("INSERT INTO t (v) VALUES ('second')")
                    }
                }
            }
            // The caller was told the write timed out; only now does the body go on.
            resumeBody.signal()
            try await database.write { _ in }  // queued behind the timed write: it has ended
            let count = try await database.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM t")?.int("n") }
            #expect(count == 0, "a write whose caller saw it fail must not commit")
        }
    }

    @Test("a timed write's body runs in one transaction: a transaction inside it joins, and a failure keeps nothing")
    func nestedTransactionJoins() async throws {
        try await withTemporaryDirectory { directory in
            let database = try SQLiteDatabase(path: directory.file("t.sqlite"))
            try await database.write { try $0.execute("CREATE TABLE t (v TEXT NOT NULL)") }
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await database.write(timeout: .seconds(30)) { connection in
                    try connection.transaction { _ = try connection.run("INSERT INTO t (v) VALUES ('inner')") }
                    _ = try connection.run("INSERT INTO t (v) VALUES ('outer')")
                    throw Abort()
                }
            }
            try await database.write(timeout: .seconds(30)) { connection in
                try connection.transaction { _ = try connection.run("INSERT INTO t (v) VALUES ('kept')") }
            }
            let values = try await database.read { try $0.query("SELECT v FROM t").compactMap { $0.string("v") } }
            #expect(values == ["kept"])
        }
    }
}
