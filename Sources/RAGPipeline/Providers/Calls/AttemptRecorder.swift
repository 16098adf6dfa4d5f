import Synchronization

/// Counts a stage's provider attempts, reports each failed one (to metrics and logs) and keeps
/// the usage providers report for their answered calls (``ProviderCall/recordUsage(_:)``).
///
/// Shared by every ``ProviderCall/run(_:)`` of one stage (a generation and its repair count
/// together); read by the stage when it reports its timing, its tokens and its cost, whether
/// the stage succeeded or not (tokens of a reply that failed validation were still billed).
public final class AttemptRecorder: Sendable {
    private struct State {
        var attempts = 0
        var failures: [ProviderError] = []
        var usage: TokenUsage?
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

    /// What the providers reported for this stage's answered calls, summed; nil when none reported.
    public var usage: TokenUsage? { state.withLock { $0.usage } }

    /// Adds one answered call's usage.
    public func recordUsage(_ usage: TokenUsage) {
        state.withLock { $0.usage = $0.usage.map { $0 + usage } ?? usage }
    }

    func began() {
        state.withLock { $0.attempts += 1 }
    }

    func failed(_ error: ProviderError) {
        state.withLock { $0.failures.append(error) }
        onFailure(error)
    }
}
