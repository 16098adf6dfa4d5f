import Deadlines
import Synchronization

/// One SQLite operation with a time limit, whose caller is resumed exactly once: by the
/// operation's end, by its time limit, or by the caller's cancellation, whichever comes first
/// (a ``Deadlines/TimedWait``).
///
/// Giving up (the limit or the cancellation) interrupts the statement only while the operation
/// is known to be running, so a late timer can never stop the next operation queued on the same
/// connection. An interrupt that lands *between* two statements of a transaction is forgotten by
/// SQLite when the next statement starts, so the transaction asks ``beginCommit()`` before its
/// `COMMIT`: once the caller was given up on, the transaction rolls back instead; once the
/// commit began, giving up no longer resumes the caller, who gets the commit's real outcome.
final class TimedOperation<Value: Sendable>: Sendable {
    private enum Phase {
        case queued
        case running
        /// `COMMIT` is under way: its outcome, not a time limit, is what the caller gets.
        case committing
        case finished
        /// The caller was resumed with a time limit or a cancellation.
        case abandoned
    }

    let wait = TimedWait<Value>()
    private let phase = Mutex(Phase.queued)

    /// Called on the connection's queue before the body: false when the caller was already
    /// given up on (time limit or cancellation), and the body must not run at all.
    func start() -> Bool {
        phase.withLock { phase in
            guard phase == .queued else { return false }
            phase = .running
            return true
        }
    }

    /// Called on the connection's queue right before `COMMIT`: false when the caller was given
    /// up on, and the transaction must roll back.
    func beginCommit() -> Bool {
        phase.withLock { phase in
            guard phase == .running else { return false }
            phase = .committing
            return true
        }
    }

    /// Called on the connection's queue after the body, with its outcome.
    func finish(with result: Result<Value, any Error>) {
        let resume = phase.withLock { phase in
            guard phase != .abandoned else { return false }
            phase = .finished
            return true
        }
        if resume { wait.resume(with: result) }
    }

    /// The time limit passed or the caller was cancelled: stop the statement if the operation
    /// still runs, and resume the caller with `error`. Does nothing once the commit began or
    /// the operation finished.
    func abandon(interrupting connection: SQLiteConnection, error: any Error) {
        let resume = phase.withLock { phase in
            switch phase {
            case .committing, .finished, .abandoned:
                return false
            case .running:
                // Under the lock: the operation cannot finish (and the next one start) meanwhile.
                connection.interrupt()
            case .queued:
                break
            }
            phase = .abandoned
            return true
        }
        if resume { wait.resume(throwing: error) }
    }
}
