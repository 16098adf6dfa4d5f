import Curl
import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// Sends interval aggregates of catalogue metrics to CloudWatch with PutMetricData.
///
/// Only ``MetricCatalogue`` names and each definition's dimensions (plus `EndpointName`) are
/// exported. Counters become one summed value per interval, timers values with counts (at most
/// 150 per datum, so CloudWatch's percentiles are exact), gauges statistic sets. Requests are
/// packed up to 1,000 datums and 1 MB, so the number of calls grows with distinct metrics and
/// values, not with traffic. Failures are retried with backoff; while CloudWatch stays
/// unreachable the aggregates wait in a bounded queue (oldest dropped and counted).
public final class CloudWatchMetricsExporter<C: Clock>: QueuedExporter where C.Duration == Duration {
    public struct Configuration: Sendable {
        public var namespace: String
        public var endpointName: String
        /// 1 for high-resolution metrics, else 60.
        public var storageResolution: Int
        public var queueCapacity: Int
        public var maxAttempts = 3
        public var backoff = Backoff(base: .milliseconds(200), maximum: .seconds(30))
        /// How long the loop waits between flushes when nothing wakes it (the publisher's
        /// submissions do, once per interval).
        public var flushInterval: Duration
        public var shutdownTimeout: Duration
        /// The process's shutdown budget, which the final flush never outruns.
        public var shutdownDeadline: ShutdownDeadline
        public var limits = PutMetricDataLimits()

        public init(namespace: String, endpointName: String, storageResolution: Int, queueCapacity: Int,
                    flushInterval: Duration, shutdownTimeout: Duration, shutdownDeadline: ShutdownDeadline = .none) {
            self.shutdownDeadline = shutdownDeadline
            self.namespace = namespace
            self.endpointName = endpointName
            self.storageResolution = storageResolution
            self.queueCapacity = queueCapacity
            self.flushInterval = flushInterval
            self.shutdownTimeout = shutdownTimeout
        }
    }

    let configuration: Configuration
    private let sink: any MetricDataSink
    private let filter: CatalogueFilter
    private let builder: MetricDatumBuilder
    let core: ExporterCore<C, MetricAggregate>

    init(configuration: Configuration, sink: any MetricDataSink, clock: C, logger: Logger,
         onDrop: @escaping @Sendable (Int) -> Void) {
        self.configuration = configuration
        self.sink = sink
        self.filter = CatalogueFilter(endpointName: configuration.endpointName)
        self.builder = MetricDatumBuilder(storageResolution: configuration.storageResolution)
        // The publisher's submission once per interval wakes the loop (threshold 1).
        self.core = ExporterCore(.init(
            name: "PutMetricData", keptItems: "aggregates", callItems: "datums", queueCapacity: configuration.queueCapacity,
            flushInterval: configuration.flushInterval, threshold: 1, maxAttempts: configuration.maxAttempts,
            backoff: configuration.backoff, shutdownTimeout: configuration.shutdownTimeout,
            shutdownDeadline: configuration.shutdownDeadline
        ), clock: clock, logger: logger, onDrop: onDrop, classify: Self.classify)
    }

    /// Takes metric interval aggregates; spans and logs are ignored. Labels outside the catalogue
    /// are dropped here, before they take room in the queue.
    public func submit(_ record: TelemetryRecord) {
        guard case .metric(let aggregate) = record, MetricCatalogue.definition(named: aggregate.name) != nil else { return }
        core.queue.push(aggregate)
    }

    /// Sends what is queued now; false when CloudWatch stayed unreachable.
    func flushQueued() async -> Bool {
        let aggregates = core.queue.drain()
        guard !aggregates.isEmpty else { return true }
        let metrics = filter.exportable(aggregates)
        var datums: [(datum: CloudWatchDatum, source: Int)] = []
        for (index, metric) in metrics.enumerated() {
            datums += builder.datums(for: metric).map { ($0, index) }
        }
        let requests = PutMetricDataPacker.requests(datums.map(\.datum), namespace: configuration.namespace, limits: configuration.limits)
        var offset = 0
        for request in requests {
            switch await send(request) {
            case .sent:
                // A datum is as old as the end of its interval: that is when it could first be sent.
                if let oldest = datums[offset..<(offset + request.count)].map({ metrics[$0.source].aggregate.intervalEndNanoseconds }).min() {
                    core.counters.recordLag(oldestNanoseconds: oldest, now: DefaultTracerClock.now.nanosecondsSinceEpoch)
                }
            case .dropped:
                core.onDrop(request.count)
            case .unreachable:
                let pending = Set(datums[offset...].map(\.source)).sorted()
                core.queue.requeueAtFront(pending.map { metrics[$0].aggregate })
                return false
            }
            offset += request.count
        }
        return true
    }

    private func send(_ request: [CloudWatchDatum]) async -> ExportCallOutcome<Void> {
        let outcome = await core.attempts.send(count: request.count) {
            try await sink.putMetricData(namespace: configuration.namespace, datums: request)
        }
        if case .sent = outcome {
            core.counters.update { $0.itemsSent += request.count }
        }
        return outcome
    }

    static func classify(_ error: any Error) -> TelemetryExportError {
        if let error = error as? TelemetryExportError { return error }
        return TelemetryExportError(kind: .unavailable, service: "monitoring", operation: "PutMetricData", message: "\(error)")
    }
}
