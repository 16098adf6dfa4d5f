import Foundation
import Synchronization

/// Finished jobs' deliveries, passed from the runner straight to the outbox so the first attempt
/// starts without a claim query and its wait for the store.
///
/// The runner reserves a place before it finishes a job; with one, `finish` creates the outbox
/// row already claimed by this process and the runner hands the message over. The store stays
/// the source of truth: a message still here when the process stops is delivered again after
/// its lease expires, as any delivery in flight would be. A message may wait here while every
/// delivery slot is busy; the deliverer extends its lease when its attempt starts, and skips it
/// when another deliverer claimed it meanwhile. Bounded: without a free place the runner
/// leaves the delivery unleased and the outbox claims it from the store as before.
final class OutboxHandOff: Sendable {
    /// Messages waiting plus places reserved for messages on their way.
    let capacity: Int
    /// How long a handed-over delivery is leased to this process at first (one attempt and a margin).
    let lease: Duration

    private struct State {
        var reserved = 0
        var waiting: [OutboxMessage] = []
    }

    private let state = Mutex(State())

    init(capacity: Int, lease: Duration) {
        self.capacity = max(1, capacity)
        self.lease = lease
    }

    /// Takes a place for one message; false when every place is taken.
    func reserve() -> Bool {
        state.withLock { state in
            guard state.reserved < capacity else { return false }
            state.reserved += 1
            return true
        }
    }

    /// Gives back a place reserved for a message that will not come (the job was not finished,
    /// or its delivery was not leased).
    func cancelReservation() {
        state.withLock { $0.reserved = max(0, $0.reserved - 1) }
    }

    /// Hands over the message a place was reserved for.
    func deliver(_ message: OutboxMessage) {
        state.withLock { $0.waiting.append(message) }
    }

    /// Up to `limit` messages, oldest first; their places become free.
    func take(limit: Int) -> [OutboxMessage] {
        guard limit > 0 else { return [] }
        return state.withLock { state in
            let taken = Array(state.waiting.prefix(limit))
            state.waiting.removeFirst(taken.count)
            state.reserved -= taken.count
            return taken
        }
    }
}
