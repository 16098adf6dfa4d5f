/// Splits chronologically sorted events into PutLogEvents batches that respect every limit:
/// event count, billed bytes (UTF-8 + 26 per event) and the 24-hour span.
enum LogEventBatcher {
    static func batches(_ events: [CloudWatchLogEvent], limits: PutLogEventsLimits) -> [[CloudWatchLogEvent]] {
        var batches: [[CloudWatchLogEvent]] = []
        var current: [CloudWatchLogEvent] = []
        var currentBytes = 0
        for event in events {
            let size = event.billedBytes
            let full = current.count >= limits.maxEvents
                || currentBytes + size > limits.maxBatchBytes
                || (current.first.map { event.timestampMilliseconds - $0.timestampMilliseconds > limits.maxSpanMilliseconds } ?? false)
            if full, !current.isEmpty {
                batches.append(current)
                current = []
                currentBytes = 0
            }
            current.append(event)
            currentBytes += size
        }
        if !current.isEmpty { batches.append(current) }
        return batches
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
