import Curl
import Foundation
import Logging
import Synchronization

/// The OTLP benchmarks: what exporting one span costs the worker, and how many requests
/// 100,000 spans take against the fewest CloudWatch's OTLP limits allow.
extension TelemetryBenchmark {
    /// Median CPU time per span of the OTLP path: `submit` (the sampler's check and the bounded
    /// queue) plus the protobuf encoding a flush does, in batches of 1,000 stage spans shaped like
    /// the worker's. The JSON encoding and gzip are measured alongside for the detail.
    func otlpSpanCost() throws -> Result {
        let spans = Self.sampleSpans(count: 1_000)
        var configuration = try otlpConfiguration()
        configuration.otlp.queueCapacity = spans.count
        let exporter = Self.otlpExporter(configuration, sink: AcceptingOTLPSink())
        let protobuf = exporter.encoder
        configuration.otlp.encoding = .json
        let json = Self.otlpExporter(configuration, sink: AcceptingOTLPSink()).encoder

        var perSpan: [Double] = []
        var enqueue: [Double] = []
        var encodeJSON: [Double] = []
        var gzip: [Double] = []
        var bytesPerSpan = 0
        let rounds = max(1, spanIterations / spans.count)
        for _ in 0..<rounds {
            let start = Self.threadCPUNanoseconds()
            for span in spans { exporter.submit(.span(span)) }
            let queued = Self.threadCPUNanoseconds()
            let drained = exporter.core.queue.drain()
            var encoded: [[UInt8]] = []
            encoded.reserveCapacity(drained.count)
            for span in drained { encoded.append(protobuf.encode(span)) }
            let done = Self.threadCPUNanoseconds()
            perSpan.append(Double(done - start) / Double(spans.count))
            enqueue.append(Double(queued - start) / Double(spans.count))

            let jsonStart = Self.threadCPUNanoseconds()
            for span in spans { _ = json.encode(span) }
            encodeJSON.append(Double(Self.threadCPUNanoseconds() - jsonStart) / Double(spans.count))

            let request = protobuf.request(encoded)
            bytesPerSpan = request.count / spans.count
            let gzipStart = Self.threadCPUNanoseconds()
            _ = try? Gzip.compress(Data(request))
            gzip.append(Double(Self.threadCPUNanoseconds() - gzipStart) / Double(spans.count))
        }
        let median = Percentiles.nearestRank(0.5, of: perSpan) ?? 0
        func ns(_ values: [Double]) -> Int { Int(Percentiles.nearestRank(0.5, of: values) ?? 0) }
        return Result(name: "OTLP span export, enqueue + protobuf encode (median CPU time)", value: median, unit: "ns",
                      target: "≤ 5000 ns", met: median <= 5_000,
                      detail: "p90 \(ns([Percentiles.nearestRank(0.9, of: perSpan) ?? 0])) ns; enqueue alone \(ns(enqueue)) ns; "
                        + "JSON encode \(ns(encodeJSON)) ns; gzip of the request \(ns(gzip)) ns per span; "
                        + "\(bytesPerSpan) protobuf bytes per span; \(perSpan.count) batches of \(spans.count)")
    }

    /// Requests the exporter makes for 100,000 spans queued at once (the batch size at its
    /// default, CloudWatch's 10,000), against the fewest the endpoint's limits allow.
    func otlpCalls() async throws -> Result {
        var configuration = try otlpConfiguration()
        configuration.otlp.queueCapacity = exportEvents
        let sink = AcceptingOTLPSink()
        let exporter = Self.otlpExporter(configuration, sink: sink)
        let spans = Self.sampleSpans(count: exportEvents)
        for span in spans { exporter.submit(.span(span)) }
        let items = spans.map { span in
            OTLPBatcher.Item(cost: exporter.encoder.cost(ofSpanBytes: exporter.encoder.encode(span).count),
                             startNanoseconds: span.startNanoseconds)
        }
        let minimum = OTLPBatcher.minimumCalls(items, envelope: exporter.encoder.envelopeBytes,
                                               maxSpans: exporter.limits.maxSpansPerRequest, limits: exporter.limits)
        _ = await exporter.flushQueued()
        let statistics = exporter.statistics
        let ratio = Double(statistics.calls) / Double(max(minimum, 1))
        let bytes = items.reduce(0) { $0 + $1.cost }
        return Result(name: "OTLP requests for \(exportEvents) spans", value: Double(statistics.calls), unit: "calls",
                      target: "≤ 5% above the minimum (\(minimum))", met: ratio <= 1.05 && statistics.dropped == 0,
                      detail: "\(String(format: "%.3f", ratio))× the minimum; \(bytes) uncompressed bytes, "
                        + "\(sink.bytes.load(ordering: .relaxed)) sent gzipped; \(statistics.itemsSent) spans sent, \(statistics.dropped) dropped")
    }

    /// The exporter's settings as a deployment gets them from `OTEL_EXPORTER_OTLP_ENDPOINT` alone.
    func otlpConfiguration() throws -> TelemetryConfiguration {
        try TelemetryConfiguration(environment: [
            "RAG_DATA_DIR": workDirectory, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "AWS_REGION": "us-east-1"])
    }

    static func otlpExporter(_ configuration: TelemetryConfiguration, sink: any OTLPTraceSink) -> OTLPSpanExporter<ContinuousClock> {
        OTLPSpanExporter(configuration: configuration.otlp, resource: OTLPResource.attributes(configuration),
                         sink: sink, shutdownTimeout: .seconds(5), shutdownDeadline: .none, clock: ContinuousClock(),
                         logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
    }

    /// The spans of ``sampleRecords(count:withLargeEvery:)``: stage spans of jobs, six attributes each.
    static func sampleSpans(count: Int) -> [SpanRecord] {
        // Two records in three are spans.
        let spans = sampleRecords(count: count * 3 / 2 + 3).compactMap { record -> SpanRecord? in
            if case .span(let span) = record { span } else { nil }
        }
        return Array(spans.prefix(count))
    }
}

/// An OTLP endpoint that accepts every request at once (200, no body) and counts the bytes it got.
final class AcceptingOTLPSink: OTLPTraceSink {
    let bytes = Atomic<Int>(0)

    var destination: String { "bench:4318" }

    func export(body: Data, headers: HTTPHeaders, timeout: Duration) async throws -> HTTPClientResponse {
        bytes.add(body.count, ordering: .relaxed)
        return HTTPClientResponse(status: 200)
    }
}
