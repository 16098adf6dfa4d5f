import Dispatch
import Synchronization

/// One suspension resumed exactly once: by an event (``resume(with:)``), by its time limit, or by
/// the cancellation of the waiting task, whichever comes first.
///
/// The primitive beneath SQLite's timed operations, the worker's wake-up signals and the
/// time-limited bookkeeping writes at shutdown. It costs one continuation and, with a time
/// limit, one dispatch timer: no child task, no timer task. The time limit fires on a serial
/// queue of its own, so a busy cooperative pool cannot delay it.
///
/// What a time limit or a cancellation *means* is the owner's to say: ``wait(timeLimit:onTimeLimit:onCancel:)``
/// calls the given handler, which usually resumes with an error (or, for a signal, with `false`)
/// and may first undo what the event side started (interrupt a statement, drop a registration).
/// A handler that does nothing leaves the wait to the event: a time limit or a cancellation is
/// then ignored.
public final class TimedWait<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        /// An outcome that arrived before the continuation was installed.
        var early: Result<Value, any Error>?
        var resumed = false
        var timer: PendingTimer?
    }

    private let state = Mutex(State())

    /// Where time limits fire.
    private static var timerQueue: DispatchQueue { timeLimitQueue }

    public init() {}

    /// True once resumed (by the event, a handler, or an early outcome).
    public var isResumed: Bool {
        state.withLock { $0.resumed }
    }

    /// Suspends until ``resume(with:)`` is called, by the event or by one of the handlers.
    ///
    /// - Parameters:
    ///   - timeLimit: when to call `onTimeLimit`, counted from now; nil for none.
    ///   - onTimeLimit: runs on the timer queue once the limit passes, unless resumed before.
    ///   - onCancel: runs when the waiting task is cancelled (at once if it already is).
    /// - Returns: the value the wait was resumed with.
    /// - Throws: the error it was resumed with.
    public func wait(
        timeLimit: Duration?,
        onTimeLimit: @escaping @Sendable () -> Void = {},
        onCancel: @escaping @Sendable () -> Void = {}
    ) async throws -> Value {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let early: Result<Value, any Error>? = state.withLock { state in
                    guard let early = state.early else {
                        state.continuation = continuation
                        return nil
                    }
                    state.early = nil
                    return early
                }
                if let early {
                    continuation.resume(with: early)
                    return
                }
                guard let timeLimit else { return }
                let timer = PendingTimer(DispatchWorkItem(block: onTimeLimit))
                let armed = state.withLock { state in
                    guard !state.resumed else { return false }
                    state.timer = timer
                    return true
                }
                if armed {
                    Self.timerQueue.asyncAfter(deadline: .now() + timeLimit.dispatchInterval, execute: timer.item)
                }
            }
        } onCancel: {
            onCancel()
        }
    }

    /// Resumes the wait with `result` (at once, or as soon as it starts) and cancels its timer.
    ///
    /// - Returns: false when the wait was already resumed; `result` is then dropped.
    @discardableResult
    public func resume(with result: Result<Value, any Error>) -> Bool {
        let (resumed, continuation, timer): (Bool, CheckedContinuation<Value, any Error>?, PendingTimer?) = state.withLock { state in
            guard !state.resumed else { return (false, nil, nil) }
            state.resumed = true
            let timer = state.timer
            state.timer = nil
            guard let continuation = state.continuation else {
                state.early = result
                return (true, nil, timer)
            }
            state.continuation = nil
            return (true, continuation, timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
        return resumed
    }

    /// Resumes the wait with `value`; see ``resume(with:)``.
    @discardableResult
    public func resume(returning value: Value) -> Bool {
        resume(with: .success(value))
    }

    /// Resumes the wait by throwing `error`; see ``resume(with:)``.
    @discardableResult
    public func resume(throwing error: any Error) -> Bool {
        resume(with: .failure(error))
    }
}

/// The serial queue every ``TimedWait`` time limit fires on.
private let timeLimitQueue = DispatchQueue(label: "deadlines.time-limits")

/// A time limit not yet fired, cancelled when its wait is resumed first.
/// `@unchecked`: `DispatchWorkItem.cancel()` may be called from any thread.
private struct PendingTimer: @unchecked Sendable {
    let item: DispatchWorkItem
    init(_ item: DispatchWorkItem) { self.item = item }
    func cancel() { item.cancel() }
}
