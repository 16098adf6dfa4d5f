import Foundation
import Logging
import SQLite
import Testing
import TestSupport
@testable import Telemetry

@Suite("RingBufferStore")
struct RingBufferStoreTests {
    private func log(_ index: Int, bytes: Int = 40) -> TelemetryRecord {
        .log(LogRecord(timestampNanoseconds: UInt64(index) * 1_000_000, level: .info, label: "flood",
                       message: "record \(index) " + String(repeating: "x", count: bytes)))
    }

    @Test("records appended, totals count rows and bytes, and a reopened file reports the same totals")
    func totals() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("telemetry.sqlite")
            let limits = RingBufferLimits(maxRows: 1_000, maxBytes: 10_000_000)
            let store = try RingBufferStore(path: path, limits: limits)
            try await store.append((0..<10).map { log($0) })
            let totals = store.currentTotals
            #expect(totals.rows == 10)
            #expect(totals.bytes > 10 * 40)
            let reopened = try RingBufferStore(path: path, limits: limits)
            #expect(reopened.currentTotals == totals)
        }
    }

    @Test("a flood of 30,000 records into a 2,000-row buffer, bounds hold after every flush and the newest survive")
    func rowBoundUnderFlood() async throws {
        try await withTemporaryDirectory { directory in
            let limits = RingBufferLimits(maxRows: 2_000, maxBytes: 100_000_000)
            let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: limits)
            for batch in 0..<60 {
                try await store.append((0..<500).map { log(batch * 500 + $0) })
                let counted = try await store.database.read { connection in
                    try connection.queryFirst("SELECT COUNT(*) AS n, SUM(bytes) AS b FROM records")
                }
                #expect((counted?.int("n") ?? .max) <= 2_000)
                #expect(counted?.int("n") == store.currentTotals.rows)
                #expect(counted?.int("b") == store.currentTotals.bytes)
            }
            let newest = try await store.database.read { connection in
                try connection.queryFirst("SELECT MAX(time_ns) AS newest, MIN(time_ns) AS oldest FROM records")
            }
            #expect(newest?.int("newest") == 29_999 * 1_000_000)
            #expect((newest?.int("oldest") ?? 0) >= (30_000 - 2_000) * 1_000_000)
            #expect(store.evictedCount >= 28_000)
        }
    }

    @Test("a flood of large records into a byte-bounded buffer, byte bound holds after every flush")
    func byteBoundUnderFlood() async throws {
        try await withTemporaryDirectory { directory in
            let limits = RingBufferLimits(maxRows: 1_000_000, maxBytes: 200_000)
            let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: limits)
            for batch in 0..<40 {
                try await store.append((0..<50).map { log(batch * 50 + $0, bytes: 1_000) })
                let bytes = try await store.database.read { try $0.queryFirst("SELECT SUM(bytes) AS b FROM records")?.int("b") }
                #expect((bytes ?? .max) <= 200_000)
            }
        }
    }
}

@Suite("RingBufferWriter")
struct RingBufferWriterTests {
    @Test("records submitted, committed when the flush interval ends, readable by another connection")
    func flushInterval() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("telemetry.sqlite")
            let store = try RingBufferStore(path: path, limits: RingBufferLimits(maxRows: 1_000, maxBytes: 1_000_000))
            let clock = ManualClock()
            let writer = RingBufferWriter(store: store, queueCapacity: 100, flushInterval: .seconds(1), shutdownTimeout: .seconds(1),
                                          clock: clock, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
            try await whileRunning([writer]) {
                await clock.waitForSleepStarts(1)
                writer.submit(.log(LogRecord(timestampNanoseconds: 1, level: .error, label: "rag", message: "before the crash")))
                clock.advance(by: .seconds(1))
                await clock.waitForSleepStarts(2)
                // A separate reader (as `rag-worker postmortem` would be) sees the committed row.
                let reader = try SQLiteDatabase(path: path)
                let count = try await reader.read { try $0.queryFirst("SELECT COUNT(*) AS n FROM records WHERE kind = 'log'")?.int("n") }
                #expect(count == 1)
            }
        }
    }

    @Test("queue over capacity before a flush, the oldest dropped and reported")
    func drops() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RingBufferStore(path: directory.file("t.sqlite"), limits: RingBufferLimits(maxRows: 1_000, maxBytes: 1_000_000))
            let tally = DropTally()
            let writer = RingBufferWriter(store: store, queueCapacity: 10, flushInterval: .seconds(1), shutdownTimeout: .seconds(1),
                                          clock: ManualClock(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                          onDrop: { tally.add($0) })
            for index in 0..<25 {
                writer.submit(.log(LogRecord(timestampNanoseconds: UInt64(index), level: .info, label: "rag", message: "\(index)")))
            }
            await writer.flush()
            #expect(tally.total == 15)
            let oldest = try await store.database.read { try $0.queryFirst("SELECT MIN(time_ns) AS t FROM records")?.int("t") }
            #expect(oldest == 15)
        }
    }
}
