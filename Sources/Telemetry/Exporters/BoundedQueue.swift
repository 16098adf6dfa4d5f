import Synchronization

/// A bounded FIFO between many producers on the request path and one exporter.
///
/// `push` never waits: when the queue is full the oldest element is dropped, counted, and
/// reported through `onDrop` (which feeds `TelemetryDropped`). The consumer drains in batches
/// and can wait until enough elements arrived, the pattern of swift-otel's batch processor.
public final class BoundedQueue<Element: Sendable>: Sendable {
    private struct State {
        var elements = FIFO<Element>()
        var dropped = 0
        var waiter: (threshold: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    /// Most elements the queue holds.
    public let capacity: Int
    private let state = Mutex(State())
    private let onDrop: @Sendable (Int) -> Void

    public init(capacity: Int, onDrop: @escaping @Sendable (Int) -> Void = { _ in }) {
        precondition(capacity > 0, "a queue needs room for one element")
        self.capacity = capacity
        self.onDrop = onDrop
    }

    /// Appends `element`, dropping the oldest when full. Never blocks beyond a short lock.
    public func push(_ element: Element) {
        var dropped = false
        let ready: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.elements.count >= capacity {
                state.elements.removeFirst()
                state.dropped += 1
                dropped = true
            }
            state.elements.append(element)
            guard let waiter = state.waiter, state.elements.count >= waiter.threshold else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        ready?.resume()
        if dropped { onDrop(1) }
    }

    /// Elements waiting now.
    public var count: Int { state.withLock { $0.elements.count } }

    /// Elements dropped since the queue was created.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    /// Removes and returns up to `maximum` of the oldest elements.
    public func drain(maximum: Int = .max) -> [Element] {
        state.withLock { $0.elements.removeFirst(min(maximum, $0.elements.count)) }
    }

    /// Puts `elements` back at the front (after a failed export), dropping the oldest of them
    /// when that would exceed the capacity.
    public func requeueAtFront(_ elements: [Element]) {
        guard !elements.isEmpty else { return }
        let dropped = state.withLock { state in
            let room = max(capacity - state.elements.count, 0)
            let kept = elements.suffix(room)
            state.elements.prepend(contentsOf: kept)
            let dropped = elements.count - kept.count
            state.dropped += dropped
            return dropped
        }
        if dropped > 0 { onDrop(dropped) }
    }

    /// Returns when at least `threshold` elements are waiting, or when the calling task is cancelled.
    public func waitUntilCount(atLeast threshold: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: a cancellation that ran its handler before the
                    // continuation was stored is seen here.
                    if state.elements.count >= threshold || Task.isCancelled { return true }
                    state.waiter?.continuation.resume()
                    state.waiter = (threshold, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter?.continuation
            }
            waiter?.resume()
        }
    }
}

/// An array-backed FIFO with amortised O(1) removal from the front.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }

    /// The oldest element.
    var first: Element? { head < storage.count ? storage[head] : nil }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func removeFirst() {
        head += 1
        compactIfNeeded()
    }

    mutating func removeFirst(_ n: Int) -> [Element] {
        let taken = Array(storage[head..<(head + n)])
        head += n
        compactIfNeeded()
        return taken
    }

    mutating func prepend(contentsOf elements: some Collection<Element>) {
        storage.replaceSubrange(0..<head, with: [])
        head = 0
        storage.insert(contentsOf: elements, at: 0)
    }

    private mutating func compactIfNeeded() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
