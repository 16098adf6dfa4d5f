/// One scheduled event of the simulation.
struct SimulationEvent {
    enum Kind: UInt8 {
        /// The next arrival of arrival stream `a`.
        case arrival
        /// Job `a`'s run number `b` ends (a stale run number means the run was given back).
        case completion
        /// Instance `a` finished starting and serves from now on.
        case instanceReady
        /// Instance `a`, scaled in, finished its drain and is gone.
        case instanceGone
        /// The scaling policy's once-a-minute evaluation.
        case policyTick
    }

    var time: Double
    /// Tie-breaker: events at the same time run in the order they were scheduled.
    var sequence: Int
    var kind: Kind
    var a: Int
    var b: Int

    func precedes(_ other: SimulationEvent) -> Bool {
        time < other.time || (time == other.time && sequence < other.sequence)
    }
}

/// A binary min-heap of events by time, then scheduling order: the simulation's clock.
struct EventQueue {
    private var heap: [SimulationEvent] = []
    private var scheduled = 0

    var isEmpty: Bool { heap.isEmpty }

    mutating func schedule(_ kind: SimulationEvent.Kind, at time: Double, a: Int = 0, b: Int = 0) {
        heap.append(SimulationEvent(time: time, sequence: scheduled, kind: kind, a: a, b: b))
        scheduled += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func next() -> SimulationEvent? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                let right = left + 1
                let smaller = right < heap.count && heap[right].precedes(heap[left]) ? right : left
                guard heap[smaller].precedes(heap[parent]) else { break }
                heap.swapAt(smaller, parent)
                parent = smaller
            }
        }
        return first
    }
}
