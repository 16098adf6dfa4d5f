import CoreMetrics
import Synchronization

/// `Timer` and aggregating `Recorder`: every value of the interval with its count.
///
/// Timer values are converted from nanoseconds to seconds rounded to the microsecond, which
/// bounds the distinct values CloudWatch has to receive without changing any statistic by more
/// than half a microsecond.
final class TelemetryDistribution: TimerHandler, RecorderHandler, CollectableMetric {
    let label: String
    let dimensions: [MetricDimensionValue]
    private let kind: MetricAggregate.Kind
    private let state = Mutex(DistributionState())

    init(label: String, dimensions: [MetricDimensionValue], kind: MetricAggregate.Kind) {
        self.label = label
        self.dimensions = dimensions
        self.kind = kind
    }

    func recordNanoseconds(_ duration: Int64) {
        add((Double(max(duration, 0)) / 1000).rounded() / 1_000_000)
    }

    func record(_ value: Int64) {
        kind == .timer ? recordNanoseconds(value) : add(Double(value))
    }

    func record(_ value: Double) {
        kind == .timer ? recordNanoseconds(Int64(value)) : add(value)
    }

    func preferDisplayUnit(_ unit: TimeUnit) {}

    private func add(_ value: Double) {
        guard value.isFinite else { return }
        state.withLock { $0.add(value) }
    }

    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate? {
        let taken = state.withLock { state in
            defer { state = DistributionState() }
            return state
        }
        guard taken.count > 0 else { return nil }
        return MetricAggregate(name: label, kind: kind, dimensions: dimensions, intervalStartNanoseconds: start,
                               intervalEndNanoseconds: end, count: taken.count, sum: taken.sum, minimum: taken.minimum,
                               maximum: taken.maximum, distribution: taken.values)
    }
}

struct DistributionState {
    var values: [Double: Int] = [:]
    var count = 0
    var sum = 0.0
    var minimum = Double.infinity
    var maximum = -Double.infinity

    mutating func add(_ value: Double) {
        values[value, default: 0] += 1
        count += 1
        sum += value
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }
}
