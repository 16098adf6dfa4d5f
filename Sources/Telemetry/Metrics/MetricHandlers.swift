import CoreMetrics
import Synchronization

/// A handler the registry can drain once per interval.
protocol CollectableMetric: AnyObject, Sendable {
    var label: String { get }
    var dimensions: [MetricDimensionValue] { get }
    /// What was recorded since the last call, and resets for the next interval; nil when nothing was.
    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate?
}

/// `Counter`: an atomic sum, so an increment costs one atomic add.
final class TelemetryCounter: CounterHandler, CollectableMetric {
    let label: String
    let dimensions: [MetricDimensionValue]
    private let value = Atomic<Int64>(0)
    private let increments = Atomic<Int>(0)

    init(label: String, dimensions: [MetricDimensionValue]) {
        self.label = label
        self.dimensions = dimensions
    }

    func increment(by amount: Int64) {
        value.add(amount, ordering: .relaxed)
        increments.add(1, ordering: .relaxed)
    }

    /// Intervals export deltas, so there is nothing cumulative to reset.
    func reset() {}

    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate? {
        let count = increments.exchange(0, ordering: .relaxed)
        let sum = value.exchange(0, ordering: .relaxed)
        guard count > 0 else { return nil }
        let total = Double(sum)
        return MetricAggregate(name: label, kind: .counter, dimensions: dimensions, intervalStartNanoseconds: start,
                               intervalEndNanoseconds: end, count: count, sum: total, minimum: total, maximum: total)
    }
}

/// `FloatingPointCounter`: a locked sum of doubles.
final class TelemetryFloatingPointCounter: FloatingPointCounterHandler, CollectableMetric {
    let label: String
    let dimensions: [MetricDimensionValue]
    private let state = Mutex<(sum: Double, count: Int)>((0, 0))

    init(label: String, dimensions: [MetricDimensionValue]) {
        self.label = label
        self.dimensions = dimensions
    }

    func increment(by amount: Double) {
        guard amount.isFinite, amount >= 0 else { return }
        state.withLock { $0.sum += amount; $0.count += 1 }
    }

    func reset() {}

    func collect(from start: UInt64, to end: UInt64) -> MetricAggregate? {
        let (sum, count) = state.withLock { state in
            defer { state = (0, 0) }
            return state
        }
        guard count > 0 else { return nil }
        return MetricAggregate(name: label, kind: .counter, dimensions: dimensions, intervalStartNanoseconds: start,
                               intervalEndNanoseconds: end, count: count, sum: sum, minimum: sum, maximum: sum)
    }
}

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
