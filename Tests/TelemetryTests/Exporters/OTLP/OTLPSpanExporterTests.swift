import Curl
import Foundation
import Logging
import Synchronization
import Testing
import Tracing
@testable import Telemetry

@Suite("OTLPSpanExporter")
struct OTLPSpanExporterTests {
    static func spans(_ count: Int, attributeBytes: Int = 0, endingAgo: Duration = .zero) -> [SpanRecord] {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch - UInt64(endingAgo.components.seconds) * 1_000_000_000
        let traceID = TraceIDs.newTraceID()
        return (0..<count).map { index in
            var attributes: Tracing.SpanAttributes = [SpanAttributes.jobID: "job-\(index)", SpanAttributes.stage: "embed"]
            if attributeBytes > 0 { attributes["rag.test.padding"] = String(repeating: "x", count: attributeBytes) }
            return SpanRecord(name: "rag.embed", context: TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID()),
                              startNanoseconds: now - 2_000_000, endNanoseconds: now, attributes: attributes)
        }
    }

    static func configuration(_ change: (inout OTLPConfiguration) -> Void = { _ in }) -> OTLPConfiguration {
        var configuration = OTLPConfiguration()
        configuration.destination = .url("http://127.0.0.1:4318/v1/traces")
        configuration.headers = [("x-api-key", "secret-key-value-123")]
        change(&configuration)
        return configuration
    }

    static func exporter<C: Clock>(
        _ sink: ScriptedOTLPSink, clock: C, configuration: OTLPConfiguration = configuration(), dropped: Counted = Counted()
    ) -> OTLPSpanExporter<C> where C.Duration == Duration {
        OTLPSpanExporter(configuration: configuration, resource: [("service.name", .string("rag-worker"))], sink: sink,
                         shutdownTimeout: .seconds(3), shutdownDeadline: .none, clock: clock,
                         logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onDrop: { dropped.add($0) })
    }

    final class Counted: Sendable {
        private let value = Atomic<Int>(0)
        func add(_ count: Int) { value.add(count, ordering: .relaxed) }
        var total: Int { value.load(ordering: .relaxed) }
    }

    @Test("export, 429 with Retry-After 7 s, the retry waits 7 s, not the backoff's half second")
    func honoursRetryAfter() async {
        let clock = ManualClock()
        let sink = ScriptedOTLPSink()
        sink.answer([HTTPClientResponse(status: 429, headers: ["Retry-After": "7"])])
        let exporter = Self.exporter(sink, clock: clock)
        for span in Self.spans(3) { exporter.submit(.span(span)) }
        let flush = Task { await exporter.forceFlush() }
        await sink.waitForCalls(1)
        await clock.waitForSleepStarts(1)
        clock.advance(by: .seconds(6))
        #expect(clock.sleeperCount == 1, "retried before the 7 s the endpoint asked for")
        clock.advance(by: .milliseconds(1_100))
        await sink.waitForCalls(2)
        await flush.value
        let statistics = exporter.statistics
        #expect(statistics.calls == 2)
        #expect(statistics.failedCalls == 1)
        #expect(statistics.itemsSent == 3)
    }

    @Test("export, 400 with a partial success for 3 of 10 spans, 3 counted as dropped, not retried")
    func partialSuccessOn400() async {
        let sink = ScriptedOTLPSink()
        sink.answer([HTTPClientResponse(status: 400, headers: ["Content-Type": "application/x-protobuf"],
                                        body: Self.partialSuccess(rejected: 3, message: "spans too old"))])
        let dropped = Counted()
        let exporter = Self.exporter(sink, clock: ContinuousClock(), dropped: dropped)
        for span in Self.spans(10) { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        #expect(sink.calls.count == 1)
        #expect(dropped.total == 3)
        #expect(exporter.statistics.itemsSent == 7)
        #expect(exporter.statistics.dropped == 3)
    }

    @Test("export, 200 with a JSON partial success, the rejected count is read")
    func partialSuccessOn200JSON() async {
        let sink = ScriptedOTLPSink()
        sink.answer([HTTPClientResponse(status: 200, headers: ["Content-Type": "application/json"],
                                        body: Data(#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad"}}"#.utf8))])
        let dropped = Counted()
        let exporter = Self.exporter(sink, clock: ContinuousClock(), configuration: Self.configuration { $0.encoding = .json }, dropped: dropped)
        for span in Self.spans(5) { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        #expect(dropped.total == 2)
        #expect(exporter.statistics.itemsSent == 3)
    }

    @Test("export, 403, the batch is dropped and counted, never retried")
    func refusalDrops() async {
        let sink = ScriptedOTLPSink()
        sink.answer([HTTPClientResponse(status: 403)])
        let dropped = Counted()
        let exporter = Self.exporter(sink, clock: ContinuousClock(), dropped: dropped)
        for span in Self.spans(4) { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        #expect(sink.calls.count == 1)
        #expect(dropped.total == 4)
        #expect(exporter.queue.count == 0)
    }

    @Test("export, endpoint unavailable for every attempt, spans go back to the queue and leave once it answers")
    func unreachableRequeues() async {
        let clock = ManualClock()
        let sink = ScriptedOTLPSink()
        sink.answer([HTTPClientResponse(status: 503), HTTPClientResponse(status: 502), HTTPClientResponse(status: 500)])
        let dropped = Counted()
        let exporter = Self.exporter(sink, clock: clock, dropped: dropped)
        for span in Self.spans(6) { exporter.submit(.span(span)) }
        let flush = Task { await exporter.forceFlush() }
        for attempt in 1...2 {
            await sink.waitForCalls(attempt)
            await clock.waitForSleepStarts(attempt)
            clock.advance(by: .seconds(5))
        }
        await flush.value
        #expect(sink.calls.count == 3)
        #expect(exporter.queue.count == 6)
        #expect(dropped.total == 0)
        await exporter.forceFlush()
        #expect(sink.calls.count == 4)
        #expect(exporter.statistics.itemsSent == 6)
        #expect(exporter.queue.count == 0)
    }

    @Test("submit, queue full, the oldest spans are dropped and counted")
    func queueOverflowCounts() {
        let dropped = Counted()
        let exporter = Self.exporter(ScriptedOTLPSink(), clock: ContinuousClock(),
                                     configuration: Self.configuration { $0.queueCapacity = 100 }, dropped: dropped)
        for span in Self.spans(130) { exporter.submit(.span(span)) }
        #expect(exporter.queue.count == 100)
        #expect(dropped.total == 30)
    }

    @Test("export, a span over 200 KB and one 15 days old, both dropped and counted, the rest sent")
    func spansTheEndpointWouldRefuse() async {
        let sink = ScriptedOTLPSink()
        let dropped = Counted()
        // 64 attributes of 4,096 characters: 260 KB even after the value length limit.
        var huge = Self.spans(1)[0]
        for index in 0..<64 { huge.attributes["rag.test.\(index)"] = String(repeating: "y", count: 5_000) }
        let exporter = Self.exporter(sink, clock: ContinuousClock(), dropped: dropped)
        exporter.submit(.span(huge))
        exporter.submit(.span(Self.spans(1, endingAgo: .seconds(15 * 86_400))[0]))
        for span in Self.spans(3) { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        #expect(dropped.total == 2)
        #expect(exporter.statistics.itemsSent == 3)
        #expect(sink.calls.count == 1)
    }

    @Test("export, gzip and headers, the body inflates to the request and the configured header is sent")
    func gzipAndHeaders() async throws {
        let sink = ScriptedOTLPSink()
        let exporter = Self.exporter(sink, clock: ContinuousClock())
        let spans = Self.spans(2)
        for span in spans { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        let call = try #require(sink.calls.first)
        #expect(call.headers["Content-Type"] == "application/x-protobuf")
        #expect(call.headers["Content-Encoding"] == "gzip")
        #expect(call.headers["x-api-key"] == "secret-key-value-123")
        #expect(call.timeout == .seconds(10))
        let inflated = try Gzip.decompress(call.body, maximumBytes: 1 << 20)
        #expect(Array(inflated) == exporter.encoder.request(spans.map(exporter.encoder.encode)))
    }

    /// `ExportTraceServiceResponse { partial_success { rejected_spans, error_message } }`.
    static func partialSuccess(rejected: Int, message: String) -> Data {
        var writer = ProtobufWriter()
        writer.message(1) { partial in
            partial.int64Field(1, Int64(rejected))
            partial.stringField(2, message)
        }
        return Data(writer.bytes)
    }
}
