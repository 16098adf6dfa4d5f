import CoreMetrics
import Foundation
import Logging

/// The call-count benchmarks: how many PutLogEvents and PutMetricData calls 100,000 events take,
/// against the fewest the API limits allow.
extension TelemetryBenchmark {
    /// PutLogEvents calls for 100,000 span and log events against the fewest the limits allow.
    func putLogEventsCalls() async -> Result {
        let sink = NullLogEventsSink()
        let exporter = CloudWatchLogsExporter(
            configuration: .init(logGroup: "/bench", logStream: "bench", flushInterval: .seconds(5), queueCapacity: exportEvents,
                                 shutdownTimeout: .seconds(5)),
            sink: sink, emf: nil, clock: ContinuousClock(), logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
        let records = Self.sampleRecords(count: exportEvents, withLargeEvery: 97)
        for record in records { exporter.submit(record) }
        let encoder = LogEventEncoder(limits: PutLogEventsLimits(), emf: nil)
        let events = records.flatMap(encoder.events(for:))
        await exporter.forceFlush()
        let minimum = LogEventBatcher.minimumCalls(for: events, limits: PutLogEventsLimits())
        let calls = exporter.statistics.calls
        let ratio = Double(calls) / Double(max(minimum, 1))
        let bytes = events.reduce(0) { $0 + $1.billedBytes }
        return Result(name: "PutLogEvents calls for \(exportEvents) events", value: Double(calls), unit: "calls",
                      target: "≤ 5% above the minimum (\(minimum))", met: ratio <= 1.05,
                      detail: "\(String(format: "%.3f", ratio))× the minimum; \(bytes) billed bytes, \(sink.events) events delivered")
    }

    /// PutMetricData calls for 100,000 timer samples and counter increments in one interval
    /// against the fewest the limits allow.
    func putMetricDataCalls() async -> Result {
        let factory = TelemetryMetricsFactory()
        let stages = PipelineStage.allCases.map {
            Timer(label: MetricCatalogue.stageLatency.name, dimensions: [(MetricDimension.stage.rawValue, $0.rawValue)], factory: factory)
        }
        let accepted = Counter(label: MetricCatalogue.jobsAccepted.name, factory: factory)
        var generator = SplitMix64(seed: 42)
        for index in 0..<exportEvents {
            if index.isMultiple(of: 2) {
                accepted.increment()
            } else {
                // Latencies from 1 ms to 30 s, microsecond resolution: nearly every value distinct.
                stages[index % stages.count].recordNanoseconds(Int64(generator.next() % 30_000_000_000) + 1_000_000)
            }
        }
        let sink = NullMetricDataSink()
        let exporter = CloudWatchMetricsExporter(
            configuration: .init(namespace: MetricCatalogue.defaultNamespace, endpointName: "bench", storageResolution: 60,
                                 queueCapacity: 10_000, flushInterval: .seconds(60), shutdownTimeout: .seconds(5)),
            sink: sink, clock: ContinuousClock(), logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
        let aggregates = factory.collect(from: 1_700_000_000_000_000_000, to: 1_700_000_060_000_000_000)
        for aggregate in aggregates { exporter.submit(.metric(aggregate)) }
        await exporter.forceFlush()
        let metrics = CatalogueFilter(endpointName: "bench").exportable(aggregates)
        let datums = metrics.flatMap(MetricDatumBuilder(storageResolution: 60).datums(for:))
        let minimum = PutMetricDataPacker.minimumCalls(for: datums, namespace: MetricCatalogue.defaultNamespace, limits: PutMetricDataLimits())
        let calls = exporter.statistics.calls
        let ratio = Double(calls) / Double(max(minimum, 1))
        return Result(name: "PutMetricData calls for \(exportEvents) samples", value: Double(calls), unit: "calls",
                      target: "≤ 5% above the minimum (\(minimum))", met: ratio <= 1.05,
                      detail: "\(String(format: "%.3f", ratio))× the minimum; \(datums.count) datums, \(sink.datums) delivered")
    }
}
