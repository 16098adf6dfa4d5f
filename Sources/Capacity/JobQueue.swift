/// A first-in, first-out queue of job ids that reuses its storage: the head advances, and the
/// consumed prefix is dropped once it is most of the array.
struct JobQueue {
    private var items: [Int] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func append(_ job: Int) {
        items.append(job)
    }

    mutating func popFirst() -> Int? {
        guard head < items.count else { return nil }
        let job = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Empties the queue, returning what it held, oldest first.
    mutating func removeAll() -> [Int] {
        defer {
            items = []
            head = 0
        }
        return Array(items[head...])
    }
}

/// ``ProviderRateLimit`` as a token bucket on the simulation clock. A job takes its units at
/// once, possibly into debt; its pipeline starts when the debt has been refilled, so jobs are
/// served in the order they asked.
struct TokenBucket {
    let limit: ProviderRateLimit
    private var tokens: Double
    private var updated = 0.0

    init(limit: ProviderRateLimit) {
        self.limit = limit
        tokens = limit.perMinute
    }

    /// Takes a job's units at `time`; returns when its pipeline may start.
    mutating func reserve(at time: Double) -> Double {
        let rate = limit.perMinute / 60
        tokens = min(limit.perMinute, tokens + (time - updated) * rate)
        updated = time
        tokens -= limit.perJob
        return tokens >= 0 ? time : time - tokens / rate
    }
}
