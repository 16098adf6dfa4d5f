import Curl
import Foundation
import Logging
import Testing
@testable import Telemetry

@Suite("CloudWatchMetricsExporter")
struct CloudWatchMetricsExporterTests {
    private func makeExporter(sink: ScriptedMetricDataSink, clock: ManualClock, resolution: Int = 60) -> CloudWatchMetricsExporter<ManualClock> {
        var configuration = CloudWatchMetricsExporter<ManualClock>.Configuration(
            namespace: "RAGWorkerTest", endpointName: "rag-test", storageResolution: resolution, queueCapacity: 1_000,
            flushInterval: .seconds(60), shutdownTimeout: .seconds(3))
        configuration.backoff = Backoff(base: .seconds(1), maximum: .seconds(8), jitter: .none)
        return CloudWatchMetricsExporter(configuration: configuration, sink: sink, clock: clock,
                                         logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
    }

    private func timerAggregate(_ name: String, values: [Double], dimensions: [MetricDimensionValue] = []) -> MetricAggregate {
        var distribution: [Double: Int] = [:]
        for value in values { distribution[value, default: 0] += 1 }
        return MetricAggregate(name: name, kind: .timer, dimensions: dimensions, intervalStartNanoseconds: 1_700_000_000_000_000_000,
                               intervalEndNanoseconds: 1_700_000_060_000_000_000, count: values.count, sum: values.reduce(0, +),
                               minimum: values.min() ?? 0, maximum: values.max() ?? 0, distribution: distribution)
    }

    private func counterAggregate(_ name: String, _ sum: Double, dimensions: [MetricDimensionValue] = []) -> MetricAggregate {
        MetricAggregate(name: name, kind: .counter, dimensions: dimensions, intervalStartNanoseconds: 1_700_000_000_000_000_000,
                        intervalEndNanoseconds: 1_700_000_060_000_000_000, count: Int(sum), sum: sum, minimum: sum, maximum: sum)
    }

    @Test("foreign labels and extra dimensions, only catalogue metrics with allow-listed dimensions and EndpointName sent")
    func allowList() async throws {
        let sink = ScriptedMetricDataSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            exporter.submit(.metric(counterAggregate("hummingbird_requests_total", 9)))
            exporter.submit(.metric(counterAggregate(MetricCatalogue.providerErrors.name, 2, dimensions: [
                MetricDimensionValue("Provider", "openai"), MetricDimensionValue("job_id", "job-1"),
            ])))
            exporter.submit(.metric(counterAggregate(MetricCatalogue.providerErrors.name, 3, dimensions: [
                MetricDimensionValue("Provider", "openai"), MetricDimensionValue("job_id", "job-2"),
            ])))
            exporter.submit(.metric(counterAggregate(MetricCatalogue.jobsAccepted.name, 4, dimensions: [MetricDimensionValue("Stage", "embed")])))
        }
        let datums = sink.requests.flatMap(\.datums)
        #expect(Set(datums.map(\.metricName)) == ["ProviderErrors", "JobsAccepted"])
        let errors = try #require(datums.first { $0.metricName == "ProviderErrors" })
        #expect(errors.dimensions == [MetricDimensionValue("EndpointName", "rag-test"), MetricDimensionValue("Provider", "openai")])
        #expect(errors.value == .single(5))
        #expect(errors.unit == .count)
        let accepted = try #require(datums.first { $0.metricName == "JobsAccepted" })
        #expect(accepted.dimensions == [MetricDimensionValue("EndpointName", "rag-test")])
        #expect(sink.requests.allSatisfy { $0.namespace == "RAGWorkerTest" })
    }

    @Test("timer with 400 distinct values, datums of at most 150 values whose counts add up to every sample")
    func distributions() async throws {
        let sink = ScriptedMetricDataSink()
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock, resolution: 1)
        let values = (1...400).map { Double($0) / 1000 } + [0.005, 0.005]
        try await whileRunning([exporter]) {
            exporter.submit(.metric(timerAggregate(MetricCatalogue.jobLatency.name, values: values)))
        }
        let datums = sink.requests.flatMap(\.datums)
        #expect(datums.count == 3)
        var seen: [Double: Double] = [:]
        for datum in datums {
            guard case .distribution(let v, let c) = datum.value else {
                Issue.record("expected values and counts")
                continue
            }
            #expect(v.count <= 150)
            for (value, count) in zip(v, c) { seen[value, default: 0] += count }
            #expect(datum.storageResolution == 1)
            #expect(datum.unit == .seconds)
        }
        #expect(seen.values.reduce(0, +) == 402)
        #expect(seen[0.005] == 3)
        #expect(datums.first?.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("gauge, sent as a statistic set")
    func gauges() async throws {
        let sink = ScriptedMetricDataSink()
        let exporter = makeExporter(sink: sink, clock: ManualClock())
        try await whileRunning([exporter]) {
            exporter.submit(.metric(MetricAggregate(name: MetricCatalogue.queueDepth.name, kind: .gauge, intervalStartNanoseconds: 0,
                                                    intervalEndNanoseconds: 1, count: 3, sum: 15, minimum: 3, maximum: 7, last: 5)))
        }
        #expect(sink.requests.first?.datums.first?.value == .statistics(sampleCount: 3, sum: 15, minimum: 3, maximum: 7))
    }

    @Test("CloudWatch unreachable past its attempts, aggregates kept and sent when it returns")
    func resumes() async throws {
        let sink = ScriptedMetricDataSink()
        let outage = TelemetryExportError(kind: .unavailable, service: "monitoring", operation: "PutMetricData", message: "refused")
        sink.failNext([outage, outage, outage])
        let clock = ManualClock()
        let exporter = makeExporter(sink: sink, clock: clock)
        try await whileRunning([exporter]) {
            await clock.waitForSleepStarts(1)
            exporter.submit(.metric(counterAggregate(MetricCatalogue.jobsFailed.name, 2)))
            // Attempt 1 at once (the submission wakes the loop), then two backoff sleeps.
            await clock.waitForSleepStarts(2)
            clock.advance(by: .seconds(1))
            await clock.waitForSleepStarts(3)
            clock.advance(by: .seconds(2))
            // Given up: the loop waits its own backoff before trying again.
            await clock.waitForSleepStarts(4)
            #expect(exporter.queue.count == 1)
            clock.advance(by: .seconds(8))
            await clock.waitForSleepStarts(5)
        }
        #expect(sink.attempts == 4)
        #expect(sink.requests.flatMap(\.datums).map(\.value) == [.single(2)])
    }
}

@Suite("PutMetricData packing")
struct PutMetricDataPackerTests {
    private func datum(values: Int, offset: Int = 0) -> CloudWatchDatum {
        CloudWatchDatum(
            metricName: "StageLatency",
            dimensions: [MetricDimensionValue("EndpointName", "rag-prod"), MetricDimensionValue("Stage", "generate")],
            timestamp: Date(timeIntervalSince1970: 1_700_000_000.25), unit: .seconds, storageResolution: 60,
            value: .distribution(values: (0..<values).map { Double($0 + offset) / 1_000_003 + 1.5 }, counts: (0..<values).map { Double($0 % 7 + 1) }))
    }

    @Test("1,500 small datums, requests of at most 1,000 datums")
    func datumLimit() {
        let datums = (0..<1_500).map { index in
            CloudWatchDatum(metricName: "JobsAccepted", dimensions: [MetricDimensionValue("EndpointName", "e")], timestamp: Date(timeIntervalSince1970: 0),
                            unit: .count, storageResolution: 60, value: .single(Double(index)))
        }
        let requests = PutMetricDataPacker.requests(datums, namespace: "RAGWorker", limits: PutMetricDataLimits())
        #expect(requests.map(\.count) == [1_000, 500])
        #expect(PutMetricDataPacker.minimumCalls(for: datums, namespace: "RAGWorker", limits: PutMetricDataLimits()) == 2)
    }

    @Test("300 datums of 150 values, every request within 1 MB and packed close to the fewest calls possible")
    func byteLimit() {
        let datums = (0..<300).map { datum(values: 150, offset: $0 * 150) }
        let limits = PutMetricDataLimits()
        let requests = PutMetricDataPacker.requests(datums, namespace: "RAGWorker", limits: limits)
        for request in requests {
            let size = PutMetricDataPacker.baseSize(namespace: "RAGWorker")
                + request.enumerated().reduce(0) { $0 + PutMetricDataPacker.encodedSize(of: $1.element, index: $1.offset + 1) }
            #expect(size <= 1_048_576)
            #expect(request.count <= 1_000)
        }
        #expect(requests.flatMap { $0 } == datums)
        let minimum = PutMetricDataPacker.minimumCalls(for: datums, namespace: "RAGWorker", limits: limits)
        #expect(requests.count <= minimum + 1)
        #expect(requests.count >= minimum)
    }
}
