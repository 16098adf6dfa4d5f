import Curl
import Foundation
import Logging
import Testing
import TestSupport
import Tracing
@testable import Telemetry

/// The exporter against the loopback receiver, which decodes with the official
/// `opentelemetry-proto` package and answers 400 to any request over CloudWatch's limits.
@Suite("OTLP export to the loopback receiver", .serialized)
struct OTLPReceiverTests {
    private func export(_ spans: [SpanRecord], encoding: OTLPConfiguration.Encoding = .protobuf,
                        to receiver: OTLPReceiverProcess) async -> OTLPSpanExporter<ContinuousClock> {
        let client = CurlHTTPClient()
        var configuration = OTLPConfiguration()
        configuration.destination = .url(receiver.tracesURL)
        configuration.encoding = encoding
        configuration.queueCapacity = 100_000
        configuration.timeout = .seconds(60)
        let exporter = OTLPSpanExporter(
            configuration: configuration, resource: [("service.name", .string("rag-worker"))],
            sink: HTTPOTLPTraceSink(url: receiver.tracesURL, client: client), shutdownTimeout: .seconds(3), shutdownDeadline: .none,
            clock: ContinuousClock(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
        for span in spans { exporter.submit(.span(span)) }
        await exporter.forceFlush()
        client.shutdown()
        return exporter
    }

    @Test("25,000 spans, over the 10,000-span limit, are split into 3 requests the receiver accepts")
    func splitBySpanCount() async throws {
        try await OTLPReceiverProcess.with { receiver in
            let exporter = await export(OTLPSpanExporterTests.spans(25_000), to: receiver)
            let requests = try await receiver.received()
            #expect(requests.map(\.status) == [200, 200, 200], "\(requests.map { $0.problem ?? "ok" })")
            #expect(requests.map(\.spans.count) == [10_000, 10_000, 5_000])
            #expect(exporter.statistics.itemsSent == 25_000)
            #expect(exporter.statistics.dropped == 0)
        }
    }

    @Test("60 spans of 150 KB (9 MB), over the 5 MB request limit, are split by bytes and all accepted")
    func splitByBytes() async throws {
        // 150 KB per span: 37 attributes of 4,096 characters (the default value length limit).
        let spans = OTLPSpanExporterTests.spans(60).map { span -> SpanRecord in
            var span = span
            for index in 0..<37 { span.attributes["rag.test.\(index)"] = String(repeating: "z", count: 4_096) }
            return span
        }
        try await OTLPReceiverProcess.with { receiver in
            for encoding in OTLPConfiguration.Encoding.allCases {
                let exporter = await export(spans, encoding: encoding, to: receiver)
                #expect(exporter.statistics.itemsSent == 60)
                #expect(exporter.statistics.dropped == 0)
            }
            let requests = try await receiver.received()
            #expect(requests.allSatisfy { $0.status == 200 }, "\(requests.map { $0.problem ?? "ok" })")
            #expect(requests.count >= 4)
            #expect(requests.allSatisfy { $0.uncompressed_bytes <= 5_000_000 })
            #expect(requests.reduce(0) { $0 + $1.spans.count } == 120)
        }
    }

    @Test("every field type, protobuf and JSON, decodes with the official package to what was recorded")
    func fieldsRoundTrip() async throws {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        let parent = TraceIDs.newSpanID()
        let context = TelemetrySpanContext(traceID: TraceIDs.newTraceID(), spanID: TraceIDs.newSpanID())
        let span = SpanRecord(
            name: "rag.generate", context: context, parentSpanID: parent, kind: .client, startNanoseconds: now - 5_000, endNanoseconds: now,
            attributes: ["text": "héllo \"quoted\"\n", "zero": 0, "negative": -42, "ratio": 0.25, "flag": true, "list": .stringArray(["a", "b"])],
            events: [SpanEvent(name: "exception", at: DefaultTracerClock.now, attributes: ["exception.type": "ProviderError"])],
            status: SpanStatus(code: .error, message: "provider_unavailable"))
        try await OTLPReceiverProcess.with { receiver in
            for encoding in OTLPConfiguration.Encoding.allCases {
                _ = await export([span], encoding: encoding, to: receiver)
            }
            let requests = try await receiver.received()
            try #require(requests.count == 2)
            for request in requests {
                #expect(request.status == 200, "\(request.content_type): \(request.problem ?? "")")
                let decoded = try #require(request.spans.first)
                #expect(decoded.trace_id == context.traceID)
                #expect(decoded.span_id == context.spanID)
                #expect(decoded.parent_span_id == parent)
                #expect(decoded.kind == "SPAN_KIND_CLIENT")
                #expect(decoded.status == "STATUS_CODE_ERROR")
                #expect(decoded.attributes["text"] == .string("héllo \"quoted\"\n"))
                #expect(decoded.attributes["zero"] == .int(0))
                #expect(decoded.attributes["negative"] == .int(-42))
                #expect(decoded.attributes["ratio"] == .double(0.25))
                #expect(decoded.attributes["flag"] == .bool(true))
            }
            #expect(Set(requests.map(\.content_type)) == ["application/x-protobuf", "application/json"])
            #expect(requests.allSatisfy { $0.content_encoding == "gzip" })
        }
    }
}
