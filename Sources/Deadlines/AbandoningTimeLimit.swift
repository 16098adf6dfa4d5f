/// Runs `operation` in a task of its own and waits for it at most `limit`.
///
/// Unlike a task-group race, the caller is answered when the limit passes even if the operation
/// ignores cancellation (a PostgresNIO query waiting for a connection to a server that is down
/// does): the operation is cancelled and left to end on its own. Use it only where an abandoned
/// operation that still completes later is harmless, e.g. an idempotent accept that a caller's
/// retry will find.
///
/// - Throws: ``TimeLimitExceeded`` after `limit`, `CancellationError` when the caller is
///   cancelled first, or the operation's own error.
public func withAbandoningTimeLimit<Value: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await abandoning(after: limit, callerCancellation: true, operation)
}

/// Runs `work` in a task of its own, out of reach of the caller's cancellation, and waits for it
/// at most `timeLimit`.
///
/// For the writes a cancelled task still owes: giving an interrupted job back to the queue,
/// recording a finished job or releasing a delivery at shutdown. Some clients refuse to start
/// work in a cancelled task (PostgresNIO will not lease a connection to one), so such a write
/// made in the task that was cancelled would fail and leave its row to a lease expiry. The time
/// limit keeps a store that does not answer from holding up the shutdown; the work is cancelled
/// when the limit passes.
///
/// - Throws: ``TimeLimitExceeded`` when the limit passed first, or the error `work` threw.
public func runUncancelled<Value: Sendable>(
    timeLimit: Duration, _ work: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await abandoning(after: timeLimit, callerCancellation: false, work)
}

/// The one implementation of both: a ``TimedWait`` resumed by the operation's task, by the time
/// limit, or (when `callerCancellation`) by the caller's cancellation; whichever wins first
/// cancels the operation's task if it still runs.
private func abandoning<Value: Sendable>(
    after limit: Duration, callerCancellation: Bool, _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    let wait = TimedWait<Value>()
    // An unstructured task: it inherits priority and task-locals, not cancellation.
    let task = Task {
        do {
            wait.resume(returning: try await operation())
        } catch {
            wait.resume(throwing: error)
        }
    }
    return try await wait.wait(
        timeLimit: limit,
        onTimeLimit: { if wait.resume(throwing: TimeLimitExceeded(limit: limit)) { task.cancel() } },
        onCancel: { if callerCancellation, wait.resume(throwing: CancellationError()) { task.cancel() } }
    )
}

/// The operation passed its time limit; it was cancelled and is no longer waited for.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "no answer within \(limit)" }
}
