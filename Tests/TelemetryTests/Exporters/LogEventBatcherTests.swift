import Foundation
import Logging
import Testing
@testable import Telemetry

@Suite("PutLogEvents batching")
struct LogEventBatcherTests {
    let limits = PutLogEventsLimits()

    private func batches(_ events: [CloudWatchLogEvent], limits: PutLogEventsLimits = PutLogEventsLimits()) -> [[CloudWatchLogEvent]] {
        LogEventBatcher.batches(events, limits: limits).map { $0.map { events[$0] } }
    }

    private func assertWithinLimits(_ batches: [[CloudWatchLogEvent]]) {
        for batch in batches {
            #expect(batch.count <= 10_000)
            #expect(batch.reduce(0) { $0 + $1.message.utf8.count + 26 } <= 1_048_576)
            #expect(batch.allSatisfy { $0.message.utf8.count + 26 <= 262_144 })
            #expect(zip(batch, batch.dropFirst()).allSatisfy { $0.timestampMilliseconds <= $1.timestampMilliseconds })
            if let first = batch.first, let last = batch.last {
                #expect(last.timestampMilliseconds - first.timestampMilliseconds < 24 * 3600 * 1000)
            }
        }
    }

    @Test("25,000 small events, batches of at most 10,000 in order, every event sent once")
    func countLimit() {
        let events = (0..<25_000).map { CloudWatchLogEvent(timestampMilliseconds: 1_000 + Int64($0), message: "event \($0)") }
        let packed = batches(events, limits: limits)
        assertWithinLimits(packed)
        #expect(packed.map(\.count) == [10_000, 10_000, 5_000])
        let everyEventOnceInOrder = packed.flatMap { $0 } == events
        #expect(everyEventOnceInOrder)
    }

    @Test("events near the event size limit in multi-byte text, every batch within 1,048,576 billed bytes")
    func byteLimitMultiByte() {
        // 3-byte and 4-byte characters: byte counts differ from character counts.
        let han = String(repeating: "漢", count: (262_144 - 26) / 3)
        let emoji = String(repeating: "😀", count: (262_144 - 26) / 4)
        let events = (0..<20).map { index in
            CloudWatchLogEvent(timestampMilliseconds: Int64(index), message: index.isMultiple(of: 2) ? han : emoji)
        }
        #expect(events.allSatisfy { $0.billedBytes <= 262_144 && $0.billedBytes > 262_100 })
        let packed = batches(events, limits: limits)
        assertWithinLimits(packed)
        #expect(packed.allSatisfy { $0.count == 4 })
        #expect(packed.count == 5)
        #expect(LogEventBatcher.minimumCalls(for: events, limits: limits) == 5)
    }

    @Test("one event exactly at the batch byte limit, sent alone")
    func exactLimit() {
        var limits = PutLogEventsLimits()
        limits.maxBatchBytes = 100
        let events = [
            CloudWatchLogEvent(timestampMilliseconds: 0, message: String(repeating: "a", count: 74)),
            CloudWatchLogEvent(timestampMilliseconds: 1, message: "b"),
        ]
        let packed = batches(events, limits: limits)
        #expect(packed.map(\.count) == [1, 1])
    }

    @Test("large events among small ones, packed into the fewest batches the byte limit allows, each in time order")
    func largeAmongSmall() {
        var events: [CloudWatchLogEvent] = []
        for index in 0..<1_000 {
            let large = index % 200 == 100
            events.append(CloudWatchLogEvent(timestampMilliseconds: Int64(index),
                                             message: String(repeating: large ? "ü" : "s", count: large ? 125_000 : 1_000)))
        }
        let packed = batches(events)
        assertWithinLimits(packed)
        #expect(packed.count == LogEventBatcher.minimumCalls(for: events, limits: limits))
        #expect(packed.count == 3)
        #expect(packed.flatMap { $0 }.count == 1_000)
        #expect(Set(packed.flatMap { $0 }.map(\.timestampMilliseconds)).count == 1_000)
    }

    @Test("events spanning 30 hours, no batch spans 24 hours")
    func timeSpan() {
        let hour: Int64 = 3_600_000
        let events = (0..<31).map { CloudWatchLogEvent(timestampMilliseconds: Int64($0) * hour, message: "h\($0)") }
        let packed = batches(events, limits: limits)
        assertWithinLimits(packed)
        #expect(packed.count == 2)
    }

    @Test("log record over 256 KB of multi-byte text, truncated on a character boundary, valid JSON, marked")
    func truncation() throws {
        let message = String(repeating: "é漢😀\"\\\n", count: 40_000)
        let record = LogRecord(timestampNanoseconds: 1_700_000_000_000_000_000, level: .error, label: "rag.runner", message: message,
                               metadata: [LogKeys.traceID: "4bf92f3577b34da6a3ce929d0e0e4736"])
        let encoder = LogEventEncoder(limits: limits, emf: nil)
        let event = try #require(encoder.events(for: .log(record)).first)
        #expect(event.billedBytes <= 262_144)
        #expect(event.billedBytes > 262_144 - 16)
        let json = try #require(jsonObject(event.message))
        #expect(json["truncated"] as? Bool == true)
        #expect(json["trace.id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect((json["original_bytes"] as? Int ?? 0) > 262_144)
        let head = try #require(json["head"] as? String)
        #expect(record.json.hasPrefix(head))
        #expect(event.timestampMilliseconds == 1_700_000_000_000)
    }

    @Test("log record within the limit, sent whole")
    func notTruncated() throws {
        let record = LogRecord(timestampNanoseconds: 5_000_000, level: .info, label: "rag", message: "fine")
        let event = try #require(LogEventEncoder(limits: limits, emf: nil).events(for: .log(record)).first)
        #expect(event.message == record.json)
        #expect(event.timestampMilliseconds == 5)
    }
}
