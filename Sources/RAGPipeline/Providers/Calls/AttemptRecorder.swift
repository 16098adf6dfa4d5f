import Synchronization

/// Counts a stage's provider attempts and reports each failed one (to metrics and logs).
///
/// Shared by every ``ProviderCall/run(_:)`` of one stage (a generation and its repair count
/// together); read by the stage when it reports its timing.
public final class AttemptRecorder: Sendable {
    private struct State {
        var attempts = 0
        var failures: [ProviderError] = []
    }

    private let state = Mutex(State())
    private let onFailure: @Sendable (ProviderError) -> Void

    /// - Parameter onFailure: called for every failed attempt, retried or not.
    public init(onFailure: @escaping @Sendable (ProviderError) -> Void = { _ in }) {
        self.onFailure = onFailure
    }

    /// Attempts started so far.
    public var attempts: Int { state.withLock { $0.attempts } }

    /// Failed attempts so far, oldest first.
    public var failures: [ProviderError] { state.withLock { $0.failures } }

    func began() {
        state.withLock { $0.attempts += 1 }
    }

    func failed(_ error: ProviderError) {
        state.withLock { $0.failures.append(error) }
        onFailure(error)
    }
}
