import Deadlines
import Synchronization

/// Wakes idle workers when there is new work, so a job accepted now starts now rather than at
/// the next poll. Waiters also wake after a timeout, which covers work from other processes.
///
/// A wait is one ``Deadlines/TimedWait`` (a continuation and a dispatch timer, no child tasks):
/// a notification resumes the waiter directly, the cheapest hand-off there is, and this sits on
/// every job's path.
///
/// A notification that finds nobody waiting leaves a permit for the next wait, and so does
/// ``notifyAll()``: a loop that checked its stop flag just before a shutdown's `notifyAll` and
/// has not registered its wait yet takes that permit instead of sleeping out its timeout.
final class WakeSignal: Sendable {
    private struct State {
        var waiters: [Int: TimedWait<Bool>] = [:]
        var nextID = 0
        /// Notifications that found no waiter; consumed by the next `wait`, capped.
        var permits = 0
    }

    private let state = Mutex(State())
    private let maximumPermits: Int

    init(maximumPermits: Int = 64) {
        self.maximumPermits = maximumPermits
    }

    /// Waits registered now (tests use it to know a loop went idle).
    var waiterCount: Int {
        state.withLock { $0.waiters.count }
    }

    /// Wakes one waiter, or leaves a permit for the next one.
    func notify() {
        let waiter: TimedWait<Bool>? = state.withLock { state in
            if let (id, waiter) = state.waiters.first {
                state.waiters.removeValue(forKey: id)
                return waiter
            }
            state.permits = min(state.permits + 1, maximumPermits)
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Wakes every waiter and leaves one permit, for a waiter about to register (shutdown).
    func notifyAll() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            state.permits = max(state.permits, 1)
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Returns after a notification (true), or after `timeout` or on cancellation (false),
    /// whichever comes first.
    @discardableResult
    func wait(timeout: Duration) async -> Bool {
        let registration: (id: Int, waiter: TimedWait<Bool>)? = state.withLock { state in
            if state.permits > 0 {
                state.permits -= 1
                return nil
            }
            let waiter = TimedWait<Bool>()
            defer { state.nextID += 1 }
            state.waiters[state.nextID] = waiter
            return (state.nextID, waiter)
        }
        guard let (id, waiter) = registration else { return true }
        let expire: @Sendable () -> Void = { self.expire(id) }
        return (try? await waiter.wait(timeLimit: timeout, onTimeLimit: expire, onCancel: expire)) ?? false
    }

    /// Ends the wait of waiter `id` without a notification, if it is still waiting.
    private func expire(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume(returning: false)
    }
}
