import Synchronization

/// Whether the worker takes jobs: `/ping` and `/invocations` answer from this.
///
/// `starting` until the stores are open and interrupted jobs are recovered, `ready` while
/// serving, `draining` from SIGTERM on (intake answers 503 so SageMaker and callers back off).
final class Readiness: Sendable {
    enum State: UInt8, Sendable {
        case starting = 0
        case ready = 1
        case draining = 2
    }

    private let state = Atomic<UInt8>(State.starting.rawValue)

    init() {}

    var current: State {
        State(rawValue: state.load(ordering: .acquiring)) ?? .starting
    }

    /// Marks start-up complete, unless a drain already began.
    func markReady() {
        _ = state.compareExchange(expected: State.starting.rawValue, desired: State.ready.rawValue, ordering: .acquiringAndReleasing)
    }

    /// Stops intake for good.
    func beginDraining() {
        state.store(State.draining.rawValue, ordering: .releasing)
    }
}
