/// A handler the registry can drain once per interval.
protocol CollectableMetric: AnyObject, Sendable {
    var label: String { get }
    var dimensions: [MetricDimensionValue] { get }
    /// What was recorded since the last call, and resets for the next interval; nil when nothing was.
    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate?
}
