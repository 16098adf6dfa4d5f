import Telemetry

/// Synthetic metric data: samples as the worker (or SageMaker) would publish them.
///
/// A sample is one value with a count (PutMetricData's `Values` + `Counts`), its unit and time.
struct MetricData: Sendable {
    struct Sample: Sendable, Hashable {
        /// Seconds since an arbitrary origin; periods are aligned to multiples of the period.
        var time: Double
        var value: Double
        var count: Int
        var unit: MetricUnit?
    }

    /// A metric's identity in CloudWatch: namespace, name and dimensions (unit is per sample).
    struct Key: Sendable, Hashable {
        let namespace: String
        let metricName: String
        let dimensions: [AlarmDimension]

        init(_ metric: MetricReference) {
            namespace = metric.namespace
            metricName = metric.metricName
            dimensions = metric.dimensions.sorted { $0.name < $1.name }
        }
    }

    private(set) var samples: [Key: [Sample]] = [:]

    init() {}

    /// Records `value` (`count` times) for `metric` at `time`, in `unit` (default: the metric's own).
    mutating func add(_ metric: MetricReference, at time: Double, value: Double, count: Int = 1, unit: MetricUnit? = nil) {
        samples[Key(metric), default: []].append(
            Sample(time: time, value: value, count: count, unit: unit ?? metric.unit))
    }

    /// The samples of `metric` in `[start, end)` that an alarm filtering on `unit` would see.
    func samples(of metric: MetricReference, from start: Double, to end: Double, unit: MetricUnit?) -> [Sample] {
        (samples[Key(metric)] ?? []).filter { sample in
            sample.time >= start && sample.time < end && (unit == nil || sample.unit == unit)
        }
    }
}
