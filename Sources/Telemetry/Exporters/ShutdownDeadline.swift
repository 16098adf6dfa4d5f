/// The end of the process's shutdown budget, when the application keeps one (the worker's
/// drain budget, set at SIGTERM): a final flush never runs past it, whatever its own limit.
///
/// Exporters flush one after another at shutdown, so each one's limit is cut to what is left:
/// together they end by the deadline, and the process exits before SageMaker's SIGKILL.
public struct ShutdownDeadline: Sendable {
    private let current: @Sendable () -> ContinuousClock.Instant?

    /// - Parameter current: the deadline, nil while no shutdown is under way.
    public init(_ current: @escaping @Sendable () -> ContinuousClock.Instant?) {
        self.current = current
    }

    /// No process deadline: each flush keeps its own limit.
    public static let none = ShutdownDeadline { nil }

    /// `limit`, cut to what is left before the deadline (zero once it passed).
    func cut(_ limit: Duration) -> Duration {
        guard let deadline = current() else { return limit }
        return min(limit, max(.zero, deadline - .now))
    }
}
