import Foundation
import Synchronization

/// A wall clock tests can move forward.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The clock as the `now` closure providers take.
    var function: @Sendable () -> Date { { [self] in now } }
}
