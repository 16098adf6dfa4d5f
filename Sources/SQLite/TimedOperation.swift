import Synchronization

/// One SQLite operation with a time limit, whose caller is resumed exactly once: by the
/// operation's end, by its time limit, or by the caller's cancellation, whichever comes first.
///
/// The time limit and the cancellation interrupt the statement only while the operation is known to be running, so
/// a late timer can never stop the next operation queued on the same connection.
final class TimedOperation<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        /// An outcome that arrived before the continuation was installed (cancelled up front).
        var early: Result<Value, any Error>?
        var resumed = false
        var running = false
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<Value, any Error>) {
        let early: Result<Value, any Error>? = state.withLock { state in
            guard let early = state.early else {
                state.continuation = continuation
                return nil
            }
            state.early = nil
            return early
        }
        if let early { continuation.resume(with: early) }
    }

    /// Called on the connection's queue before the body: false when the caller was already
    /// resumed (time limit or cancellation), and the body must not run at all.
    func start() -> Bool {
        state.withLock { state in
            guard !state.resumed else { return false }
            state.running = true
            return true
        }
    }

    /// Called on the connection's queue after the body, with its outcome.
    func finish(with result: Result<Value, any Error>) {
        state.withLock { $0.running = false }
        resume(with: result)
    }

    /// The time limit passed or the caller was cancelled: stop the statement if the operation
    /// still runs, and resume the caller with `error`.
    func abandon(interrupting connection: SQLiteConnection, error: any Error) {
        state.withLock { state in
            if state.running && !state.resumed { connection.interrupt() }
        }
        resume(with: .failure(error))
    }

    func resume(with result: Result<Value, any Error>) {
        let continuation: CheckedContinuation<Value, any Error>? = state.withLock { state in
            guard !state.resumed else { return nil }
            state.resumed = true
            guard let continuation = state.continuation else {
                state.early = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
