import Synchronization

/// A one-way flag a graceful-shutdown handler sets and a service loop reads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    init() {}

    func set() {
        value.store(true, ordering: .releasing)
    }

    var isSet: Bool {
        value.load(ordering: .acquiring)
    }
}
