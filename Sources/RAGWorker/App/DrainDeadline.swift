import Synchronization

/// The moment by which a graceful shutdown must be finished: set once, when SIGTERM arrives,
/// to now + `RAG_SHUTDOWN_GRACE_SECONDS`. The runner, the outbox and the exporters each keep
/// inside it so the process exits before SageMaker's SIGKILL (30 s after SIGTERM).
final class DrainDeadline: Sendable {
    private let deadline = Mutex<ContinuousClock.Instant?>(nil)
    let grace: Duration

    init(grace: Duration) {
        self.grace = grace
    }

    /// Starts the countdown (only the first call counts) and returns the deadline.
    @discardableResult
    func begin() -> ContinuousClock.Instant {
        deadline.withLock { current in
            if let current { return current }
            let value = ContinuousClock.now + grace
            current = value
            return value
        }
    }

    /// The deadline, once a drain began.
    var instant: ContinuousClock.Instant? {
        deadline.withLock { $0 }
    }
}
