import Curl
import Logging
import ServiceLifecycle

/// The schedule every exporter runs around its own flush: flush every
/// `flushInterval` or as soon as `threshold` items wait; after a failed flush, wait for the
/// backoff delay (or a `Retry-After`) only (a full queue does not hurry a destination that is down); on graceful
/// shutdown, one last flush within `shutdownTimeout`, then whatever is still queued is counted
/// as dropped and reported once.
struct ExportLoop<C: Clock, Element: Sendable>: Sendable where C.Duration == Duration {
    /// Names the exporter in the shutdown warning, e.g. `CloudWatch Logs`.
    var name: String
    var clock: C
    var queue: BoundedQueue<Element>
    var flushInterval: Duration
    var threshold: Int
    var backoff: Backoff
    var shutdownTimeout: Duration
    /// Cuts `shutdownTimeout` to what is left of the process's shutdown budget.
    var shutdownDeadline: ShutdownDeadline
    var stop: StopSignal
    var logger: Logger
    /// Flushes that failed in a row; 0 after a success.
    var consecutiveFailures: @Sendable () -> Int
    /// What the destination's last failed answer asked to wait (`Retry-After`).
    var retryAfter: @Sendable () -> Duration? = { nil }
    var onDrop: @Sendable (Int) -> Void

    /// Runs until graceful shutdown (or cancellation), then flushes one last time.
    func run(flush: @escaping @Sendable () async -> Void) async {
        await withGracefulShutdownHandler {
            await loop(flush: flush)
        } onGracefulShutdown: {
            stop.stop()
        }
        let finished = await FlushSchedule.withTimeLimit(shutdownDeadline.cut(shutdownTimeout), clock: clock, flush)
        let left = queue.drain().count
        if left > 0 { onDrop(left) }
        if !finished || left > 0 {
            logger.warning("\(name): shutdown flush incomplete, records dropped", metadata: ["dropped": "\(left)"])
        }
    }

    private func loop(flush: @Sendable () async -> Void) async {
        var deadline = clock.now.advanced(by: flushInterval)
        while true {
            let failures = consecutiveFailures()
            let wake: FlushSchedule.Wake
            if failures > 0 {
                let delay = ExportAttempts<C>.delay(backoff, beforeRetry: failures, retryAfter: retryAfter())
                let retryAt = clock.now.advanced(by: delay)
                wake = await FlushSchedule.wait(clock: clock, until: retryAt, queue: nil as BoundedQueue<Element>?, threshold: 0, stop: stop)
            } else {
                wake = await FlushSchedule.wait(clock: clock, until: deadline, queue: queue, threshold: threshold, stop: stop)
            }
            if case .stop = wake { return }
            if case .timer = wake { deadline = clock.now.advanced(by: flushInterval) }
            await flush()
        }
    }
}
