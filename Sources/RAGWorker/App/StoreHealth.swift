import Synchronization

/// Whether the job store answered lately: `/ping` and `/invocations` read it without I/O.
///
/// ``StoreHealthProbe`` updates it every few seconds, and the intake marks a failure as soon as
/// an accept fails or times out, so a caller is refused at once (503) instead of waiting on a
/// store that is down, and SageMaker's health check sees the instance cannot accept durably.
final class StoreHealth: Sendable {
    private struct State {
        var reachable = true
        var lastError: String?
    }

    private let state = Mutex(State())

    init() {}

    /// False from a failed probe or accept until the next successful one.
    var isReachable: Bool { state.withLock { $0.reachable } }

    /// The cause of the current outage, for logs and the 503 answer (no secrets: error descriptions only).
    var lastError: String? { state.withLock { $0.lastError } }

    /// Records a failure; returns true when the store was reachable until now (a new outage).
    @discardableResult
    func markUnreachable(_ error: String) -> Bool {
        state.withLock { state in
            defer { state.reachable = false; state.lastError = error }
            return state.reachable
        }
    }

    /// Records a success; returns true when it ends an outage.
    @discardableResult
    func markReachable() -> Bool {
        state.withLock { state in
            defer { state.reachable = true; state.lastError = nil }
            return !state.reachable
        }
    }
}
