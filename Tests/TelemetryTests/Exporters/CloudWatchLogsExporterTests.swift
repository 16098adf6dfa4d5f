import Curl
import Logging
import Synchronization
import Testing
@testable import Telemetry

@Suite("CloudWatchLogsExporter")
struct CloudWatchLogsExporterTests {
    private static let throttled = TelemetryExportError(kind: .throttled, service: "logs", operation: "PutLogEvents", status: 400,
                                                        awsCode: "ThrottlingException", message: "Rate exceeded")
    private static let unreachable = TelemetryExportError(kind: .unavailable, service: "logs", operation: "PutLogEvents", message: "connection refused")

    private func makeExporter(
        sink: ScriptedLogEventsSink, clock: ManualClock, capacity: Int = 1_000, threshold: Int = 5_000,
        dropped: DropTally = DropTally()
    ) -> CloudWatchLogsExporter<ManualClock> {
        var configuration = CloudWatchLogsExporter<ManualClock>.Configuration(
            logGroup: "/rag-worker/test", logStream: "host/1", flushInterval: .seconds(5), queueCapacity: capacity,
            shutdownTimeout: .seconds(3))
        configuration.batchThreshold = threshold
        configuration.backoff = Backoff(base: .seconds(1), maximum: .seconds(8), jitter: .none)
        return CloudWatchLogsExporter(configuration: configuration, sink: sink, emf: nil, clock: clock,
                                      logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
                                      onDrop: { dropped.add($0) })
    }

    private func log(_ index: Int, at nanoseconds: UInt64 = DefaultClockNow.nanoseconds) -> TelemetryRecord {
        .log(LogRecord(timestampNanoseconds: nanoseconds + UInt64(index) * 1_000_000, level: .info, label: "rag", message: "line \(index)"))
    }

    private func messages(_ events: [CloudWatchLogEvent]) -> [String] {
        events.compactMap { jsonObject($0.message)?["message"] as? String }
    }

    @Test("records queued, sent when the flush interval ends, after creating group and stream")
    func flushOnInterval() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<3 { exporter.submit(log(index)) }
            #expect(sink.calls.isEmpty)
            clock.advance(by: .seconds(5))
            await sink.waitForPuts(1)
        }
        #expect(sink.calls.prefix(2) == [.createGroup("/rag-worker/test"), .createStream("/rag-worker/test", "host/1")])
        #expect(messages(sink.deliveredEvents) == ["line 0", "line 1", "line 2"])
        #expect(exporter.statistics.itemsSent == 3)
    }

    @Test("a full batch waiting, sent before the interval ends")
    func flushOnBatch() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock, threshold: 10)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<10 { exporter.submit(log(index)) }
            await sink.waitForPuts(1)
        }
        #expect(sink.putBatches.first?.count == 10)
    }

    @Test("throttled twice, retried after backoff, delivered once in order")
    func retriesThrottling() async throws {
        let sink = ScriptedLogEventsSink()
        sink.failNextPuts([Self.throttled, Self.throttled])
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<4 { exporter.submit(log(index)) }
            clock.advance(by: .seconds(5))
            await sink.waitForPuts(1)
            await clock.waitForSleepStarts(2)
            clock.advance(by: .seconds(1))
            await sink.waitForPuts(2)
            await clock.waitForSleepStarts(3)
            clock.advance(by: .seconds(2))
            await sink.waitForPuts(3)
        }
        #expect(sink.putBatches.count == 3)
        #expect(messages(sink.deliveredEvents) == ["line 0", "line 1", "line 2", "line 3"])
        #expect(exporter.statistics.failedCalls == 2)
        #expect(exporter.statistics.dropped == 0)
    }

    @Test("destination unreachable past its attempts, records kept in the queue and delivered when it returns")
    func resumesAfterOutage() async throws {
        let sink = ScriptedLogEventsSink()
        sink.failNextPuts(Array(repeating: Self.unreachable, count: 3))
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<2 { exporter.submit(log(index)) }
            clock.advance(by: .seconds(5))
            for attempt in 1...2 {
                await sink.waitForPuts(attempt)
                await clock.waitForSleepStarts(1 + attempt)
                clock.advance(by: .seconds(8))
            }
            await sink.waitForPuts(3)
            // Given up for now: the records are back in the queue, new ones join them.
            await clock.waitForSleepStarts(4)
            #expect(exporter.queue.count == 2)
            exporter.submit(log(2))
            clock.advance(by: .seconds(8))
            await sink.waitForPuts(4)
        }
        #expect(messages(sink.deliveredEvents) == ["line 0", "line 1", "line 2"])
        #expect(exporter.statistics.dropped == 0)
    }

    @Test("queue over capacity, the oldest dropped and counted, the newest delivered")
    func dropsOldest() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let dropped = DropTally()
        let exporter = makeExporter(sink: sink, clock: clock, capacity: 100, dropped: dropped)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<150 { exporter.submit(log(index)) }
            #expect(exporter.queue.count == 100)
            clock.advance(by: .seconds(5))
            await sink.waitForPuts(1)
        }
        #expect(messages(sink.deliveredEvents) == (50..<150).map { "line \($0)" })
        #expect(dropped.total == 50)
        #expect(exporter.statistics.dropped == 50)
    }

    @Test("log group deleted while running, re-created and the batch delivered")
    func recreatesDestination() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            exporter.submit(log(0))
            clock.advance(by: .seconds(5))
            await sink.waitForPuts(1)
            sink.deleteDestination()
            await clock.waitForSleepStarts(2)
            exporter.submit(log(1))
            clock.advance(by: .seconds(5))
            await sink.waitForPuts(2)
            await clock.waitForSleepStarts(3)
            clock.advance(by: .seconds(1))
            await sink.waitForPuts(3)
        }
        #expect(sink.calls.filter { $0 == .createGroup("/rag-worker/test") }.count == 2)
        #expect(messages(sink.deliveredEvents) == ["line 0", "line 1"])
    }

    @Test("graceful shutdown with records queued, flushed before run returns")
    func flushesOnShutdown() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            for index in 0..<5 { exporter.submit(log(index)) }
        }
        #expect(messages(sink.deliveredEvents).count == 5)
    }

    @Test("spans and logs out of order in one flush, sent in timestamp order")
    func chronological() async throws {
        let sink = ScriptedLogEventsSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        let base = DefaultClockNow.nanoseconds
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            exporter.submit(log(3, at: base))
            exporter.submit(.span(SpanRecord(name: "rag.embed", context: TelemetrySpanContext(traceID: TraceIDs.newTraceID(), spanID: TraceIDs.newSpanID()),
                                             startNanoseconds: base, endNanoseconds: base + 1_000_000)))
            exporter.submit(log(0, at: base))
        }
        let times = sink.deliveredEvents.map(\.timestampMilliseconds)
        #expect(times == times.sorted())
        #expect(sink.deliveredEvents.count == 3)
    }
}

/// Sums drop reports.
final class DropTally: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ count: Int) { value.add(count, ordering: .relaxed) }
    var total: Int { value.load(ordering: .relaxed) }
}

/// Now, in nanoseconds since 1970, as telemetry timestamps are.
enum DefaultClockNow {
    static var nanoseconds: UInt64 { UInt64(Date().timeIntervalSince1970 * 1e9) }
}

import Foundation
