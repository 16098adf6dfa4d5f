import CoreMetrics
import Synchronization

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
