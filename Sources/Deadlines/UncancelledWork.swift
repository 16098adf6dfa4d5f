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
public func runUncancelled<T: Sendable>(
    timeLimit: Duration, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let wait = TimedWait<T>()
    // An unstructured task: it inherits priority and task-locals, not cancellation.
    let task = Task {
        do {
            wait.resume(returning: try await work())
        } catch {
            wait.resume(throwing: error)
        }
    }
    return try await wait.wait(timeLimit: timeLimit, onTimeLimit: {
        if wait.resume(throwing: TimeLimitExceeded(limit: timeLimit)) { task.cancel() }
    })
}

/// Work run with ``runUncancelled(timeLimit:_:)`` did not finish within its limit.
public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "did not finish within \(limit)" }
}
