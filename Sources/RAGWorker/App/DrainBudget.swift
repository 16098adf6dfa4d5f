import Deadlines
import Synchronization

/// The process's one budget for a graceful shutdown, counted from SIGTERM, so that everything
/// (jobs, deliveries, telemetry's last flush) is done before SageMaker's SIGKILL 30 s later.
///
/// `RAG_SHUTDOWN_GRACE_SECONDS` (default 25 s: the 30 s less ``exitMargin``) is the whole
/// budget. From its end backwards:
///
/// ```
/// SIGTERM                 jobsCutoff   deliveriesCutoff   telemetryStart       end   SIGKILL
///    |--- jobs finish ------|--release--|---- flush --------|....................|... (+30 s)
///    |--- deliveries go on -------------|                   |                    |
///                                       └ attempts still in flight are cut off ──┘
/// ```
///
/// - Jobs may finish until ``jobsCutoff``; those still running are cancelled and given back to
///   the queue, each write limited to ``bookkeeping``.
/// - Webhook attempts go on until ``deliveriesCutoff``; one still in flight then is cancelled,
///   neither counted as an attempt nor dead-lettered, and its delivery released for the next
///   instance.
/// - Telemetry's final flushes share the last ``telemetryReserve``, and none runs past ``end``.
/// - The process exits after ``end``; ``exitMargin`` covers ServiceLifecycle's escalation, the
///   stdout exit drain and the exit itself.
final class DrainBudget: Sendable {
    /// SageMaker sends SIGKILL this long after SIGTERM.
    static let sageMakerStopTimeout: Duration = .seconds(30)
    /// Kept between the end of the budget and SIGKILL.
    static let exitMargin: Duration = .seconds(5)
    /// The default budget: what SageMaker allows, less the exit margin.
    static let defaultTotal: Duration = sageMakerStopTimeout - exitMargin

    /// The whole budget, from SIGTERM.
    let total: Duration
    /// Kept at the end for telemetry's final flushes.
    let telemetryReserve: Duration
    /// What one bookkeeping write may take during the drain (releasing a job or a delivery).
    let bookkeeping: Duration

    private struct State {
        var end: ContinuousClock.Instant?
        var waiters: [Int: TimedWait<ContinuousClock.Instant>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    init(total: Duration, telemetryReserve: Duration, bookkeeping: Duration = .seconds(1)) {
        self.total = total
        self.telemetryReserve = telemetryReserve
        self.bookkeeping = bookkeeping
    }

    /// Starts the countdown (only the first call counts) and returns the end of the budget.
    @discardableResult
    func begin() -> ContinuousClock.Instant {
        let (end, waiters) = state.withLock { state -> (ContinuousClock.Instant, [TimedWait<ContinuousClock.Instant>]) in
            if let end = state.end { return (end, []) }
            let end = ContinuousClock.now + total
            state.end = end
            defer { state.waiters = [:] }
            return (end, Array(state.waiters.values))
        }
        for waiter in waiters { waiter.resume(returning: end) }
        return end
    }

    /// The end of the budget, once a drain began.
    var end: ContinuousClock.Instant? {
        state.withLock { $0.end }
    }

    /// Jobs still running then are cancelled and queued again.
    var jobsCutoff: ContinuousClock.Instant? { cutoff(before: telemetryReserve + bookkeeping * 2) }

    /// Webhook attempts still in flight then are cancelled and their deliveries released.
    var deliveriesCutoff: ContinuousClock.Instant? { cutoff(before: telemetryReserve + bookkeeping) }

    /// True once the deliveries cutoff passed: no new attempt starts.
    var deliveriesClosed: Bool {
        deliveriesCutoff.map { ContinuousClock.now >= $0 } ?? false
    }

    /// How long a bookkeeping write may take now: without a drain, `normal`; during one, until
    /// the deliveries cutoff, and at least ``bookkeeping``.
    func writeLimit(normal: Duration) -> Duration {
        guard let cutoff = deliveriesCutoff else { return normal }
        return min(normal, max(bookkeeping, cutoff - .now))
    }

    /// Returns at `cutoff` of a drain (e.g. `\.jobsCutoff`), once one began; or when the task is
    /// cancelled.
    func wait(until cutoff: KeyPath<DrainBudget, ContinuousClock.Instant?>) async {
        guard await began() != nil, let instant = self[keyPath: cutoff] else { return }
        try? await Task.sleep(until: instant, clock: .continuous)
    }

    /// The end of the budget once a drain began; nil when the task is cancelled first.
    private func began() async -> ContinuousClock.Instant? {
        let registered: (id: Int, waiter: TimedWait<ContinuousClock.Instant>)? = state.withLock { state in
            guard state.end == nil else { return nil }
            let waiter = TimedWait<ContinuousClock.Instant>()
            defer { state.nextID += 1 }
            state.waiters[state.nextID] = waiter
            return (state.nextID, waiter)
        }
        guard let (id, waiter) = registered else { return end }
        return try? await waiter.wait(timeLimit: nil, onCancel: {
            let removed = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            removed?.resume(throwing: CancellationError())
        })
    }

    /// `end` less `reserve`, never before the drain began.
    private func cutoff(before reserve: Duration) -> ContinuousClock.Instant? {
        guard let end else { return nil }
        return max(end - total, end - reserve)
    }
}
