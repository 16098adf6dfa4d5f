import CoreMetrics
import Testing
@testable import Telemetry

@Suite("TelemetryMetricsFactory")
struct TelemetryMetricsFactoryTests {
    private func aggregate(_ aggregates: [MetricAggregate], _ name: String, _ dimensions: [MetricDimensionValue] = []) -> MetricAggregate? {
        aggregates.first { $0.name == name && $0.dimensions == dimensions.sorted() }
    }

    @Test("counters, incremented through two instruments of one label, one summed aggregate per interval")
    func counters() throws {
        let factory = TelemetryMetricsFactory()
        let first = Counter(label: MetricCatalogue.jobsSucceeded.name, factory: factory)
        let second = Counter(label: MetricCatalogue.jobsSucceeded.name, factory: factory)
        first.increment()
        second.increment(by: 4)
        let interval = factory.collect(from: 0, to: 60)
        #expect(aggregate(interval, "JobsSucceeded")?.sum == 5)
        #expect(aggregate(interval, "JobsSucceeded")?.kind == .counter)

        first.increment()
        let next = factory.collect(from: 60, to: 120)
        #expect(aggregate(next, "JobsSucceeded")?.sum == 1)
        #expect(factory.collect(from: 120, to: 180).isEmpty)
    }

    @Test("timer, values recorded in nanoseconds, kept in seconds with exact percentiles")
    func timers() throws {
        let factory = TelemetryMetricsFactory()
        let timer = Timer(label: MetricCatalogue.stageLatency.name, dimensions: [("Stage", "embed")], factory: factory)
        for milliseconds in 1...100 {
            timer.recordNanoseconds(Int64(milliseconds) * 1_000_000)
        }
        timer.recordNanoseconds(2_000_000)
        let result = try #require(aggregate(factory.collect(from: 0, to: 1), "StageLatency", [MetricDimensionValue("Stage", "embed")]))
        #expect(result.kind == .timer)
        #expect(result.count == 101)
        #expect(result.minimum == 0.001)
        #expect(result.maximum == 0.1)
        #expect(result.distribution[0.002] == 2)
        #expect(result.percentile(0.5) == 0.05)
        #expect(result.percentile(0.99) == 0.099)  // rank ceil(0.99 × 101) = 100 of 101 (0.002 twice)
        #expect(abs(result.sum - 5.052) < 1e-9)
    }

    @Test("gauge, set several times, count sum minimum maximum and last; an idle interval repeats the level")
    func gauges() throws {
        let factory = TelemetryMetricsFactory()
        let gauge = Gauge(label: MetricCatalogue.queueDepth.name, factory: factory)
        gauge.record(3)
        gauge.record(7)
        gauge.record(5)
        let first = try #require(aggregate(factory.collect(from: 0, to: 1), "QueueDepth"))
        #expect(first.kind == .gauge)
        #expect([first.count, Int(first.sum), Int(first.minimum), Int(first.maximum)] == [3, 15, 3, 7])
        #expect(first.last == 5)
        let idle = try #require(aggregate(factory.collect(from: 1, to: 2), "QueueDepth"))
        #expect(idle.count == 1)
        #expect(idle.last == 5)
    }

    @Test("meter, incremented and decremented, reports the level it reached")
    func meters() throws {
        let factory = TelemetryMetricsFactory()
        let meter = Meter(label: "InFlight", factory: factory)
        meter.increment(by: 3)
        meter.decrement(by: 1)
        let result = try #require(aggregate(factory.collect(from: 0, to: 1), "InFlight"))
        #expect(result.last == 2)
        #expect(result.maximum == 3)
    }

    @Test("destroyed counter, increments before destruction, still collected once")
    func destroyed() {
        let factory = TelemetryMetricsFactory()
        let counter = Counter(label: "Temporary", factory: factory)
        counter.increment(by: 2)
        counter.destroy()
        #expect(aggregate(factory.collect(from: 0, to: 1), "Temporary")?.sum == 2)
        #expect(aggregate(factory.collect(from: 1, to: 2), "Temporary") == nil)
    }
}

@Suite("Percentiles")
struct PercentilesTests {
    @Test("nearest rank, values with counts, agrees with the plain list")
    func agreesWithList() {
        let values: [Double] = [5, 1, 3, 3, 9, 7, 3, 2, 8, 6]
        var distribution: [Double: Int] = [:]
        for value in values { distribution[value, default: 0] += 1 }
        for p in [0.0, 0.1, 0.29, 0.5, 0.9, 0.99, 1.0] {
            #expect(Percentiles.nearestRank(p, of: values) == Percentiles.nearestRank(p, of: distribution))
        }
        #expect(Percentiles.nearestRank(0.5, of: values) == 3)
        #expect(Percentiles.nearestRank(0.9, of: values) == 8)
        #expect(Percentiles.nearestRank(0.5, of: [Double]()) == nil)
    }
}
