import Logging
import ServiceLifecycle

/// The always-on exporter: takes records from a bounded queue on the request path and commits
/// them to the ``RingBufferStore`` in batches, at least once per flush interval.
///
/// A crash (SIGKILL) loses only what sits in the queue: at most one flush interval. Full queue:
/// the oldest records are dropped and counted in `TelemetryDropped`.
public final class RingBufferWriter<C: Clock>: TelemetryExporter where C.Duration == Duration {
    public let store: RingBufferStore
    let queue: BoundedQueue<TelemetryRecord>
    private let clock: C
    private let flushInterval: Duration
    private let batchSize: Int
    private let shutdownTimeout: Duration
    private let shutdownDeadline: ShutdownDeadline
    private let logger: Logger
    private let stop = StopSignal()
    private let onDrop: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - batchSize: records per transaction; a full batch is written before the interval ends.
    ///   - shutdownDeadline: the process's shutdown budget; the final write never outruns it.
    ///   - onDrop: called with the number of records dropped (queue full or failed write).
    public init(store: RingBufferStore, queueCapacity: Int, flushInterval: Duration, batchSize: Int = 2048,
                shutdownTimeout: Duration, shutdownDeadline: ShutdownDeadline = .none, clock: C, logger: Logger,
                onDrop: @escaping @Sendable (Int) -> Void) {
        self.store = store
        self.queue = BoundedQueue(capacity: queueCapacity, onDrop: onDrop)
        self.clock = clock
        self.flushInterval = flushInterval
        self.batchSize = batchSize
        self.shutdownTimeout = shutdownTimeout
        self.shutdownDeadline = shutdownDeadline
        self.logger = logger
        self.onDrop = onDrop
    }

    public func submit(_ record: TelemetryRecord) {
        queue.push(record)
    }

    /// Ends the `run()` loop, which then writes what is queued within its shutdown time limit.
    public func shutdown() {
        stop.stop()
    }

    public func forceFlush() async {
        await flush()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            var deadline = clock.now.advanced(by: flushInterval)
            while true {
                let wake = await FlushSchedule.wait(clock: clock, until: deadline, queue: queue, threshold: batchSize, stop: stop)
                if case .stop = wake { break }
                if case .timer = wake { deadline = clock.now.advanced(by: flushInterval) }
                await flush()
            }
        } onGracefulShutdown: {
            self.stop.stop()
        }
        let finished = await FlushSchedule.withTimeLimit(shutdownDeadline.cut(shutdownTimeout), clock: clock) { await self.flush() }
        if !finished {
            logger.warning("ring buffer: final flush cut short by the shutdown time limit", metadata: ["pending": "\(queue.count)"])
        }
    }

    /// Writes everything queued now, batch by batch; the next batch is encoded while the
    /// previous one commits on the database's queue.
    public func flush() async {
        var rows = queue.drain(maximum: batchSize).map(RingBufferRow.init)
        while !rows.isEmpty {
            let batch = rows
            async let committed: Void = store.append(rows: batch)
            let next = queue.drain(maximum: batchSize).map(RingBufferRow.init)
            do {
                try await committed
            } catch {
                logger.warning("ring buffer: write failed, records dropped", metadata: [
                    "records": "\(batch.count)", "error": "\(error)",
                ])
                onDrop(batch.count)
            }
            rows = next
        }
    }
}
