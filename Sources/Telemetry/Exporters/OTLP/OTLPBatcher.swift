/// Packs encoded spans into as few OTLP requests as the limits allow: consecutive spans go into
/// one request until the next would pass the span count, the request's bytes, or the time span
/// one request may cover.
enum OTLPBatcher {
    /// One encoded span and what the limits look at.
    struct Item {
        /// Bytes the span adds to a request (``OTLPEncoder/cost(ofSpanBytes:)``).
        var cost: Int
        var startNanoseconds: UInt64
    }

    /// Ranges of `items`, in order, each one request within `limits`, holding at most
    /// `maxSpans` spans, with `envelope` bytes around the spans. Every item must fit a request alone.
    static func batches(_ items: [Item], envelope: Int, maxSpans: Int, limits: OTLPLimits) -> [Range<Int>] {
        let spanLimit = min(maxSpans, limits.maxSpansPerRequest)
        let byteBudget = limits.maxRequestBytes - envelope
        let maxGap = UInt64(limits.maxTimeSpan.components.seconds) * 1_000_000_000
        var ranges: [Range<Int>] = []
        var start = 0
        var bytes = 0
        var earliest = UInt64.max
        var latest = UInt64.min
        for (index, item) in items.enumerated() {
            let newEarliest = min(earliest, item.startNanoseconds)
            let newLatest = max(latest, item.startNanoseconds)
            let full = index - start >= spanLimit || bytes + item.cost > byteBudget || newLatest - newEarliest > maxGap
            if index > start, full {
                ranges.append(start..<index)
                start = index
                bytes = 0
                earliest = item.startNanoseconds
                latest = item.startNanoseconds
            } else {
                earliest = newEarliest
                latest = newLatest
            }
            bytes += item.cost
        }
        if start < items.count { ranges.append(start..<items.count) }
        return ranges
    }

    /// The fewest requests any packing could use for `items`: by span count or by bytes.
    static func minimumCalls(_ items: [Item], envelope: Int, maxSpans: Int, limits: OTLPLimits) -> Int {
        guard !items.isEmpty else { return 0 }
        let spanLimit = min(maxSpans, limits.maxSpansPerRequest)
        let bytes = items.reduce(0) { $0 + $1.cost }
        let byCount = (items.count + spanLimit - 1) / spanLimit
        let byteBudget = limits.maxRequestBytes - envelope
        let byBytes = (bytes + byteBudget - 1) / byteBudget
        return max(byCount, byBytes)
    }
}
