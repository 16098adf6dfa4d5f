import CoreMetrics
import Synchronization

/// `Gauge`, non-aggregating `Recorder` and `Meter`: the levels seen during the interval.
final class TelemetryGauge: RecorderHandler, MeterHandler, CollectableMetric {
    let label: String
    let dimensions: [MetricDimensionValue]
    private let state = Mutex(GaugeState())

    init(label: String, dimensions: [MetricDimensionValue]) {
        self.label = label
        self.dimensions = dimensions
    }

    func record(_ value: Int64) { set(Double(value)) }
    func record(_ value: Double) { set(value) }
    func set(_ value: Int64) { set(Double(value)) }

    func set(_ value: Double) {
        guard value.isFinite else { return }
        state.withLock { $0.observe(value) }
    }

    func increment(by amount: Double) {
        guard amount.isFinite else { return }
        state.withLock { $0.observe($0.level + amount) }
    }

    func decrement(by amount: Double) {
        increment(by: -amount)
    }

    /// Each interval starts from the last level, so a gauge that stays put is still reported.
    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate? {
        let taken: GaugeState? = state.withLock { state in
            guard state.everSet else { return nil }
            defer { state.startInterval() }
            return state
        }
        guard let taken else { return nil }
        return MetricAggregate(name: label, kind: .gauge, dimensions: dimensions, intervalStartNanoseconds: start,
                               intervalEndNanoseconds: end, count: taken.count, sum: taken.sum, minimum: taken.minimum,
                               maximum: taken.maximum, last: taken.level)
    }
}

struct GaugeState {
    var level = 0.0
    var everSet = false
    var count = 0
    var sum = 0.0
    var minimum = Double.infinity
    var maximum = -Double.infinity

    mutating func observe(_ value: Double) {
        level = value
        everSet = true
        count += 1
        sum += value
        minimum = min(minimum, value)
        maximum = max(maximum, value)
    }

    /// The next interval begins with one sample at the current level.
    mutating func startInterval() {
        count = 1
        sum = level
        minimum = level
        maximum = level
    }
}
