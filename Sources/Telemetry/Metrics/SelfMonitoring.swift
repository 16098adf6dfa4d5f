import CoreMetrics
import Synchronization

/// The telemetry's metrics about itself, recorded once per metrics interval just before the
/// interval is published: the ``MetricCatalogue/heartbeat``, and for each CloudWatch exporter
/// its calls and failed calls since the last interval and the lag of what it sent.
///
/// They go out through the same exporters, so an exporter that stops exporting is seen by its
/// silence (the heartbeat alarm treats missing data as breaching), and one that is slow or
/// failing is seen in its own numbers.
final class SelfMonitoring: Sendable {
    /// One exporter's counters, named by its `Provider` dimension value.
    struct Exporter: Sendable {
        var name: String
        var counters: ExporterStatisticsBox
    }

    private let heartbeat: any CounterHandler
    private let exporters: [(exporter: Exporter, calls: any CounterHandler, failures: any CounterHandler, lag: any TimerHandler)]
    private let last: Mutex<[String: ExporterStatistics]>

    init(factory: TelemetryMetricsFactory, exporters: [Exporter]) {
        heartbeat = factory.makeCounter(label: MetricCatalogue.heartbeat.name, dimensions: [])
        self.exporters = exporters.map { exporter in
            let dimension = [(MetricDimension.provider.rawValue, exporter.name)]
            return (exporter,
                    factory.makeCounter(label: MetricCatalogue.telemetryExportCalls.name, dimensions: dimension),
                    factory.makeCounter(label: MetricCatalogue.telemetryExportFailures.name, dimensions: dimension),
                    factory.makeTimer(label: MetricCatalogue.telemetryExportLag.name, dimensions: dimension))
        }
        last = Mutex([:])
    }

    /// Records this interval's numbers.
    func record() {
        heartbeat.increment(by: 1)
        for (exporter, calls, failures, lag) in exporters {
            let now = exporter.counters.current
            let before = last.withLock { last in
                defer { last[exporter.name] = now }
                return last[exporter.name] ?? ExporterStatistics()
            }
            if now.calls > before.calls { calls.increment(by: Int64(now.calls - before.calls)) }
            if now.failedCalls > before.failedCalls { failures.increment(by: Int64(now.failedCalls - before.failedCalls)) }
            for seconds in exporter.counters.takeLags() {
                lag.recordNanoseconds(Int64(seconds * 1e9))
            }
        }
    }
}
