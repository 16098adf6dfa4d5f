/// Packs events into as few PutLogEvents batches as the limits allow: at most 10,000 events,
/// at most 1,048,576 billed bytes (UTF-8 + 26 per event), each batch in timestamp order and
/// spanning less than 24 hours.
///
/// Events are first split into the fewest windows of less than 24 hours. Within a window they are
/// packed in timestamp order, so batches follow each other in time; when that leaves more batches
/// than the byte and count limits require (large events closing batches that small ones could
/// still fill), they are packed by size instead, largest first, each into the first batch with
/// room (first-fit decreasing). Each batch is sorted by timestamp (equal timestamps keep their
/// input order), and batches come in the order of their first event.
enum LogEventBatcher {
    /// Batches as indexes into `events`.
    static func batches(_ events: [CloudWatchLogEvent], limits: PutLogEventsLimits) -> [[Int]] {
        let chronological = events.indices.sorted {
            (events[$0].timestampMilliseconds, $0) < (events[$1].timestampMilliseconds, $1)
        }
        var batches: [[Int]] = []
        var windowStart = 0
        while windowStart < chronological.count {
            let first = events[chronological[windowStart]].timestampMilliseconds
            var windowEnd = windowStart
            while windowEnd < chronological.count,
                  events[chronological[windowEnd]].timestampMilliseconds - first <= limits.maxSpanMilliseconds {
                windowEnd += 1
            }
            let window = Array(chronological[windowStart..<windowEnd])
            let inOrder = packInOrder(window, events: events, limits: limits)
            let fewest = minimumCalls(for: window.map { events[$0] }, limits: limits)
            batches += inOrder.count > fewest ? packBySize(window, events: events, limits: limits) : inOrder
            windowStart = windowEnd
        }
        return batches
    }

    /// Consecutive events into the current batch until the next one does not fit.
    private static func packInOrder(_ window: [Int], events: [CloudWatchLogEvent], limits: PutLogEventsLimits) -> [[Int]] {
        var batches: [[Int]] = []
        var current: [Int] = []
        var bytes = 0
        for index in window {
            let size = events[index].billedBytes
            if !current.isEmpty, current.count >= limits.maxEvents || bytes + size > limits.maxBatchBytes {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(index)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// First-fit decreasing of one window's events.
    private static func packBySize(_ window: [Int], events: [CloudWatchLogEvent], limits: PutLogEventsLimits) -> [[Int]] {
        let bySize = window.sorted { (events[$0].billedBytes, $1) > (events[$1].billedBytes, $0) }
        var bins: [(indexes: [Int], bytes: Int)] = []
        // Bins before `firstOpen` cannot take even the smallest possible event.
        var firstOpen = 0
        for index in bySize {
            let size = events[index].billedBytes
            var placed = false
            var bin = firstOpen
            while bin < bins.count {
                if bins[bin].indexes.count < limits.maxEvents, bins[bin].bytes + size <= limits.maxBatchBytes {
                    bins[bin].indexes.append(index)
                    bins[bin].bytes += size
                    placed = true
                    break
                }
                bin += 1
            }
            if !placed { bins.append(([index], size)) }
            while firstOpen < bins.count,
                  bins[firstOpen].indexes.count >= limits.maxEvents
                    || bins[firstOpen].bytes + CloudWatchLogEvent.overheadBytes > limits.maxBatchBytes {
                firstOpen += 1
            }
        }
        func earlier(_ a: Int, _ b: Int) -> Bool {
            (events[a].timestampMilliseconds, a) < (events[b].timestampMilliseconds, b)
        }
        return bins.map { $0.indexes.sorted(by: earlier) }.sorted { earlier($0[0], $1[0]) }
    }

    /// The fewest PutLogEvents calls the count and byte limits allow for `events` (a lower bound
    /// no packing can beat), for the benchmark that checks the exporter packs full.
    static func minimumCalls(for events: [CloudWatchLogEvent], limits: PutLogEventsLimits) -> Int {
        guard !events.isEmpty else { return 0 }
        let bytes = events.reduce(0) { $0 + $1.billedBytes }
        let byCount = (events.count + limits.maxEvents - 1) / limits.maxEvents
        let byBytes = (bytes + limits.maxBatchBytes - 1) / limits.maxBatchBytes
        return max(byCount, byBytes)
    }
}
