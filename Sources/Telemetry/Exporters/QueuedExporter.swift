/// An exporter built on ``ExporterCore``: the core holds the queue and the schedule, the
/// exporter says how to send what is queued (``flushQueued()``). Its `run()`, `shutdown()`,
/// `forceFlush()` and statistics are the core's, written once here for both CloudWatch exporters.
protocol QueuedExporter: TelemetryExporter {
    associatedtype ExportClock: Clock where ExportClock.Duration == Duration
    associatedtype Element: Sendable

    var core: ExporterCore<ExportClock, Element> { get }

    /// Sends what is queued now; false when the destination stayed unreachable (what could not
    /// be sent is back at the front of the queue).
    func flushQueued() async -> Bool
}

extension QueuedExporter {
    var queue: BoundedQueue<Element> { core.queue }
    /// Shared with the self-monitoring, which reads and resets the lags each interval.
    var counters: ExporterStatisticsBox { core.counters }
    var statistics: ExporterStatistics { core.statistics }

    public func run() async throws {
        await core.run { await self.forceFlush() }
    }

    public func shutdown() {
        core.shutdown()
    }

    public func forceFlush() async {
        await core.serially { await self.flushQueued() }
    }
}
