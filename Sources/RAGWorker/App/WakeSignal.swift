import Dispatch
import Synchronization

/// Wakes idle workers when there is new work, so a job accepted now starts now rather than at
/// the next poll. Waiters also wake after a timeout, which covers work from other processes.
///
/// A wait is one continuation and one dispatch timer, no child tasks: a notification resumes the
/// waiter directly, the cheapest hand-off there is, and this sits on every job's path.
final class WakeSignal: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var timer: PendingTimer?
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        var nextID = 0
        /// Notifications that found no waiter; consumed by the next `wait`, capped.
        var permits = 0
    }

    private let state = Mutex(State())
    private let maximumPermits: Int
    /// Where wait timeouts fire: a serial queue of its own, so a busy pool cannot delay them.
    private static let timerQueue = DispatchQueue(label: "rag-worker.wake-timeouts")

    init(maximumPermits: Int = 64) {
        self.maximumPermits = maximumPermits
    }

    /// Wakes one waiter, or leaves a permit for the next one.
    func notify() {
        let waiter: Waiter? = state.withLock { state in
            if let (id, waiter) = state.waiters.first {
                state.waiters.removeValue(forKey: id)
                return waiter
            }
            state.permits = min(state.permits + 1, maximumPermits)
            return nil
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: true)
    }

    /// Wakes every waiter (shutdown).
    func notifyAll() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    /// Returns after a notification (true), or after `timeout` or on cancellation (false),
    /// whichever comes first.
    @discardableResult
    func wait(timeout: Duration) async -> Bool {
        let (id, consumed) = state.withLock { state in
            defer { state.nextID += 1 }
            guard state.permits > 0 else { return (state.nextID, false) }
            state.permits -= 1
            return (state.nextID, true)
        }
        if consumed { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let early: Bool? = state.withLock { state in
                    if Task.isCancelled { return false }
                    // A notification that came after the permit check above but before this
                    // waiter was registered left a permit: take it rather than sleep to the timeout.
                    if state.permits > 0 {
                        state.permits -= 1
                        return true
                    }
                    state.waiters[id] = Waiter(continuation: continuation, timer: nil)
                    return nil
                }
                if let early {
                    continuation.resume(returning: early)
                    return
                }
                let timer = PendingTimer(DispatchWorkItem { [weak self] in self?.expire(id) })
                let armed = state.withLock { state in
                    guard state.waiters[id] != nil else { return false }
                    state.waiters[id]?.timer = timer
                    return true
                }
                if armed {
                    Self.timerQueue.asyncAfter(deadline: .now() + .nanoseconds(Int(max(1, timeout.nanoseconds))), execute: timer.item)
                }
            }
        } onCancel: {
            expire(id)
        }
    }

    /// Ends the wait of waiter `id` without a notification, if it is still waiting.
    private func expire(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: false)
    }
}

/// A timeout not yet fired, cancelled when its waiter is notified first.
/// `@unchecked`: `DispatchWorkItem.cancel()` may be called from any thread.
private struct PendingTimer: @unchecked Sendable {
    let item: DispatchWorkItem
    init(_ item: DispatchWorkItem) { self.item = item }
    func cancel() { item.cancel() }
}
