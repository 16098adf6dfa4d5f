/// How much the ring buffer keeps. When a flush leaves more than ``maxRows`` records or
/// ``maxBytes`` bytes, the oldest records are evicted down to ``lowWaterFraction`` of both, so
/// eviction runs once per tenth of the buffer rather than on every flush.
public struct RingBufferLimits: Sendable, Equatable {
    public var maxRows: Int
    public var maxBytes: Int
    public var lowWaterFraction: Double

    public init(maxRows: Int, maxBytes: Int, lowWaterFraction: Double = 0.9) {
        self.maxRows = maxRows
        self.maxBytes = maxBytes
        self.lowWaterFraction = lowWaterFraction
    }

    var lowWaterRows: Int { Int(Double(maxRows) * lowWaterFraction) }
    var lowWaterBytes: Int { Int(Double(maxBytes) * lowWaterFraction) }
}
