import Curl
import Logging

/// What every queued exporter (CloudWatch Logs, PutMetricData, OTLP) keeps around its own flush: the bounded queue (its drops
/// counted in the statistics and passed on to `onDrop`), the statistics, the destination's
/// ``ExportHealth``, the retry policy of one call (``ExportAttempts``), the lock that keeps
/// flushes one at a time, the stop signal, and the ``ExportLoop`` schedule around the flush.
/// An exporter adds only what it sends and how it packs it.
struct ExporterCore<C: Clock, Element: Sendable>: Sendable where C.Duration == Duration {
    struct Settings: Sendable {
        /// Names the exporter in log lines, e.g. `CloudWatch Logs`.
        var name: String
        /// What waits in the queue during an outage, e.g. `records`.
        var keptItems: String
        /// What one call carries, e.g. `events`.
        var callItems: String
        var queueCapacity: Int
        var flushInterval: Duration
        /// Queued items that wake the loop before the interval ends.
        var threshold: Int
        var maxAttempts: Int
        var backoff: Backoff
        var shutdownTimeout: Duration
        /// The process's shutdown budget, which the final flush never outruns.
        var shutdownDeadline: ShutdownDeadline
    }

    let settings: Settings
    let queue: BoundedQueue<Element>
    /// Shared with the self-monitoring, which reads and resets the lags each interval.
    let counters: ExporterStatisticsBox
    /// Counts drops in ``counters`` and reports them to the exporter's owner (`TelemetryDropped`).
    let onDrop: @Sendable (Int) -> Void
    let health: ExportHealth
    let attempts: ExportAttempts<C>
    private let clock: C
    private let logger: Logger
    private let stop = StopSignal()
    private let serial = AsyncSerialLock()

    /// - Parameters:
    ///   - logger: must not feed the exporter (use one that writes to stdout and the ring buffer).
    ///   - onDrop: called with each number of items dropped.
    ///   - classify: turns a sink's error into a classified one.
    init(_ settings: Settings, clock: C, logger: Logger, onDrop: @escaping @Sendable (Int) -> Void,
         classify: @escaping @Sendable (any Error) -> TelemetryExportError) {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        let counters = ExporterStatisticsBox()
        self.counters = counters
        self.onDrop = { count in
            counters.update { $0.dropped += count }
            onDrop(count)
        }
        self.queue = BoundedQueue(capacity: settings.queueCapacity, onDrop: self.onDrop)
        let health = ExportHealth(name: settings.name, keptItems: settings.keptItems, logger: logger)
        self.health = health
        self.attempts = ExportAttempts(
            name: settings.name, items: settings.callItems, maxAttempts: settings.maxAttempts, backoff: settings.backoff,
            clock: clock, logger: logger, counters: counters, health: health, classify: classify
        )
    }

    var statistics: ExporterStatistics { counters.current }

    /// The exporter's `run()`: `flush` on the ``ExportLoop`` schedule until shutdown, then once more.
    func run(flush: @escaping @Sendable () async -> Void) async {
        let health = health
        await ExportLoop(
            name: settings.name, clock: clock, queue: queue, flushInterval: settings.flushInterval,
            threshold: settings.threshold, backoff: settings.backoff, shutdownTimeout: settings.shutdownTimeout,
            shutdownDeadline: settings.shutdownDeadline, stop: stop, logger: logger, consecutiveFailures: { health.consecutiveFailures },
            retryAfter: { health.retryAfter }, onDrop: onDrop
        ).run(flush: flush)
    }

    /// Ends the ``run(flush:)`` loop, which then flushes once more within its time limit.
    func shutdown() {
        stop.stop()
    }

    /// Runs `flush` when no other flush runs, so a `forceFlush` never interleaves with the
    /// loop's own flush (which would reorder records).
    func serially(_ flush: () async -> Bool) async {
        _ = await serial.withLock { await flush() }
    }
}
