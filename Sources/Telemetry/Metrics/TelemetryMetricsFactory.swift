import CoreMetrics

/// The swift-metrics backend: counters are atomics, timers keep each value of the interval,
/// gauges keep count, sum, minimum, maximum and last level.
///
/// Instrumented code creates instruments with labels from ``MetricCatalogue``; a
/// ``MetricsPublisher`` drains the registry once per interval. Labels outside the catalogue are
/// recorded (they reach the ring buffer) but never exported to CloudWatch.
public struct TelemetryMetricsFactory: Sendable {
    let registry: MetricsRegistry

    public init() {
        registry = MetricsRegistry()
    }

    /// What every instrument recorded since the last call; the next interval starts empty.
    public func collect(from startNanoseconds: UInt64, to endNanoseconds: UInt64) -> [MetricAggregate] {
        registry.collect(from: startNanoseconds, to: endNanoseconds)
    }
}

extension TelemetryMetricsFactory: MetricsFactory {
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.handler(label: label, dimensions: dimensions, kind: .counter) { TelemetryCounter(label: $0, dimensions: $1) }
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.handler(label: label, dimensions: dimensions, kind: .counter) {
            TelemetryFloatingPointCounter(label: $0, dimensions: $1)
        }
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.handler(label: label, dimensions: dimensions, kind: .gauge) { TelemetryGauge(label: $0, dimensions: $1) }
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        if aggregate {
            return registry.handler(label: label, dimensions: dimensions, kind: .histogram) {
                TelemetryDistribution(label: $0, dimensions: $1, kind: .histogram)
            }
        }
        return registry.handler(label: label, dimensions: dimensions, kind: .gauge) { TelemetryGauge(label: $0, dimensions: $1) }
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.handler(label: label, dimensions: dimensions, kind: .timer) {
            TelemetryDistribution(label: $0, dimensions: $1, kind: .timer)
        }
    }

    public func destroyCounter(_ handler: any CounterHandler) { registry.destroy(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { registry.destroy(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { registry.destroy(handler) }
    public func destroyRecorder(_ handler: any RecorderHandler) { registry.destroy(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { registry.destroy(handler) }
}
