import ServiceLifecycle
import Synchronization
import Tracing

/// Drains the metrics registry once per interval and hands each aggregate to the sinks (the ring
/// buffer, PutMetricData, EMF). On graceful shutdown it publishes the partial last interval.
///
/// List it after the exporters it feeds in a `ServiceGroup` (services shut down in reverse
/// order), so they are still running when the last interval arrives.
public final class MetricsPublisher<C: Clock>: Service where C.Duration == Duration {
    private let factory: TelemetryMetricsFactory
    private let sink: any TelemetryRecordSink
    private let interval: Duration
    private let clock: C
    private let stop = StopSignal()
    private let intervalStart: IntervalStart
    /// Runs just before each interval is collected (the self-monitoring records its numbers).
    private let beforePublish: @Sendable () -> Void

    public init(
        factory: TelemetryMetricsFactory, sink: any TelemetryRecordSink, interval: Duration, clock: C,
        beforePublish: @escaping @Sendable () -> Void = {}
    ) {
        self.factory = factory
        self.beforePublish = beforePublish
        self.sink = sink
        self.interval = interval
        self.clock = clock
        self.intervalStart = IntervalStart(DefaultTracerClock.now.nanosecondsSinceEpoch)
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            var deadline = clock.now.advanced(by: interval)
            while true {
                let wake = await FlushSchedule.wait(
                    clock: clock, until: deadline, queue: nil as BoundedQueue<TelemetryRecord>?, threshold: 0, stop: stop)
                if case .stop = wake { break }
                deadline = deadline.advanced(by: interval)
                publish()
            }
        } onGracefulShutdown: {
            self.stop.stop()
        }
        publish()
    }

    /// Collects the interval that ends now and submits every aggregate.
    public func publish() {
        beforePublish()
        let end = DefaultTracerClock.now.nanosecondsSinceEpoch
        let start = intervalStart.exchange(end)
        for aggregate in factory.collect(from: start, to: end) {
            sink.submit(.metric(aggregate))
        }
    }
}

/// The wall-clock start of the interval being recorded.
private final class IntervalStart: Sendable {
    private let value: Atomic<UInt64>

    init(_ start: UInt64) {
        value = Atomic(start)
    }

    func exchange(_ new: UInt64) -> UInt64 {
        value.exchange(new, ordering: .relaxed)
    }
}
