import Synchronization

/// The operation passed its time limit; it was cancelled and is no longer waited for.
struct TimeLimitExceeded: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "no answer within \(limit)" }
}

/// Runs `operation` and waits for it at most `limit`.
///
/// Unlike a task-group race, the caller is answered when the limit passes even if the
/// operation ignores cancellation (a PostgresNIO query waiting for a connection to a server that
/// is down does): the operation is cancelled and left to end on its own. Use it only where an
/// abandoned operation that still completes later is harmless, e.g. an idempotent accept that a
/// caller's retry will find.
///
/// - Throws: ``TimeLimitExceeded`` after `limit`, `CancellationError` when the caller is
///   cancelled first, or the operation's own error.
func withAbandoningTimeLimit<Value: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let race = AbandoningRace<Value>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation)
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                race.finish(.failure(TimeLimitExceeded(limit: limit)))
            }
            race.attach([work, timer])
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The continuation of one ``withAbandoningTimeLimit(_:_:)`` call, resumed exactly once, and the
/// tasks to cancel when it is.
private final class AbandoningRace<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var pending: Result<Value, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Value, any Error>) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            guard state.finished else {
                state.continuation = continuation
                return nil
            }
            return state.pending
        }
        if let early { continuation.resume(with: early) }
    }

    func attach(_ tasks: [Task<Void, Never>]) {
        let cancelNow = state.withLock { state -> Bool in
            state.tasks = tasks
            return state.finished
        }
        if cancelNow { tasks.forEach { $0.cancel() } }
    }

    /// Resumes the caller with `result` unless it was resumed already; cancels the other tasks.
    func finish(_ result: Result<Value, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Value, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            let continuation = state.continuation
            state.continuation = nil
            if continuation == nil { state.pending = result }
            return (continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}
