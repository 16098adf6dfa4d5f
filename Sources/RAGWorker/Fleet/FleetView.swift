import Synchronization

/// The fleet's load as last seen by ``FleetMonitor``, read without I/O by the intake (its
/// backlog limit grows with the live instances).
final class FleetView: Sendable {
    private let latest = Mutex<FleetLoad?>(nil)

    init() {}

    /// The last heartbeat's answer; nil before the first one.
    var load: FleetLoad? { latest.withLock { $0 } }

    /// Live instances by the last heartbeat; 1 before the first (this instance alone).
    var liveInstances: Int { latest.withLock { $0?.liveInstances ?? 1 } }

    func update(_ load: FleetLoad) {
        latest.withLock { $0 = load }
    }
}
