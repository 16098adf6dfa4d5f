/// What one metric (a name and its dimension values) recorded during one interval.
public struct MetricAggregate: Sendable, Equatable {
    /// The shape of the data, which decides how it is exported.
    public enum Kind: String, Sendable, Hashable {
        /// A sum of increments (swift-metrics `Counter`, `FloatingPointCounter`).
        case counter
        /// Durations in seconds with every value kept (swift-metrics `Timer`), so percentiles are exact.
        case timer
        /// Values with every value kept (swift-metrics `Recorder` with `aggregate: true`).
        case histogram
        /// Sampled levels summarised as count, sum, minimum, maximum, last (`Gauge`, `Meter`).
        case gauge
    }

    public var name: String
    public var kind: Kind
    /// Dimension key/value pairs, sorted by key.
    public var dimensions: [MetricDimensionValue]
    public var intervalStartNanoseconds: UInt64
    public var intervalEndNanoseconds: UInt64
    /// Samples (timer, histogram, gauge) or increments (counter).
    public var count: Int
    public var sum: Double
    public var minimum: Double
    public var maximum: Double
    /// The last level a gauge was set to.
    public var last: Double?
    /// Each distinct value and how often it occurred (timers and histograms); timer values in seconds.
    public var distribution: [Double: Int]

    public init(name: String, kind: Kind, dimensions: [MetricDimensionValue] = [], intervalStartNanoseconds: UInt64,
                intervalEndNanoseconds: UInt64, count: Int, sum: Double, minimum: Double, maximum: Double,
                last: Double? = nil, distribution: [Double: Int] = [:]) {
        self.name = name
        self.kind = kind
        self.dimensions = dimensions.sorted { $0.key < $1.key }
        self.intervalStartNanoseconds = intervalStartNanoseconds
        self.intervalEndNanoseconds = intervalEndNanoseconds
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.last = last
        self.distribution = distribution
    }

    /// The value of dimension `key`, if the metric has it.
    public func dimension(_ key: String) -> String? {
        dimensions.first { $0.key == key }?.value
    }

    /// The exact `p`-quantile (0...1) of the distribution by nearest rank, nil without values.
    public func percentile(_ p: Double) -> Double? {
        Percentiles.nearestRank(p, of: distribution)
    }
}

/// One dimension of a metric: a key such as `Stage` and its value such as `embed`.
public struct MetricDimensionValue: Sendable, Hashable, Comparable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.key, lhs.value) < (rhs.key, rhs.value)
    }
}
