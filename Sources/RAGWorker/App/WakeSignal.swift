import Synchronization

/// Wakes idle workers when there is new work, so a job accepted now starts now rather than at
/// the next poll. Waiters also wake after a timeout, which covers work from other processes.
final class WakeSignal: Sendable {
    private struct State {
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
        /// Notifications that found no waiter; consumed by the next `wait`, capped.
        var permits = 0
    }

    private let state = Mutex(State())
    private let maximumPermits: Int

    init(maximumPermits: Int = 64) {
        self.maximumPermits = maximumPermits
    }

    /// Wakes one waiter, or leaves a permit for the next one.
    func notify() {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let (id, continuation) = state.waiters.first {
                state.waiters.removeValue(forKey: id)
                return continuation
            }
            state.permits = min(state.permits + 1, maximumPermits)
            return nil
        }
        continuation?.resume()
    }

    /// Wakes every waiter (shutdown).
    func notifyAll() {
        let continuations = state.withLock { state in
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        continuations.forEach { $0.resume() }
    }

    /// Returns after a notification, after `timeout`, or on cancellation, whichever comes first.
    func wait(timeout: Duration) async {
        let consumed = state.withLock { state in
            guard state.permits > 0 else { return false }
            state.permits -= 1
            return true
        }
        if consumed { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNotification() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNotification() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if Task.isCancelled { return true }
                    // A notification that came after `wait` looked at the permits but before this
                    // waiter was registered left a permit: take it rather than sleep to the timeout.
                    if state.permits > 0 {
                        state.permits -= 1
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}
