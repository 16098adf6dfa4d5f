import Foundation
import Synchronization

/// A wall clock a test moves by hand: the SQLite job store's clock, so lease expiry is tested
/// without waiting for it.
final class TestWallClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by duration: Duration) {
        current.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
    }

    /// The clock as a store takes it.
    var read: @Sendable () -> Date { { self.now } }
}
