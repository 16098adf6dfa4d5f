import Curl
import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// Sends span and log records (and EMF documents) to CloudWatch Logs with PutLogEvents.
///
/// Callers only enqueue (``submit(_:)``): a bounded queue drops the oldest records when full and
/// counts them. The `run()` loop flushes every ``Configuration/flushInterval`` or as soon as a
/// full batch waits, packs events within every PutLogEvents limit (``PutLogEventsLimits``),
/// creates the group and stream when missing, retries throttling and unavailability with
/// backoff, and puts records back at the front of the queue when the service stays unreachable,
/// so export resumes where it stopped. On graceful shutdown it flushes within a time limit.
public final class CloudWatchLogsExporter<C: Clock>: QueuedExporter where C.Duration == Duration {
    public struct Configuration: Sendable {
        public var logGroup: String
        public var logStream: String
        public var flushInterval: Duration
        public var queueCapacity: Int
        /// Records that wake the loop before the interval ends.
        public var batchThreshold = 5_000
        /// Attempts per batch within one flush before the records go back to the queue.
        public var maxAttempts = 3
        public var backoff = Backoff(base: .milliseconds(200), maximum: .seconds(30))
        public var shutdownTimeout: Duration
        /// The process's shutdown budget, which the final flush never outruns.
        public var shutdownDeadline: ShutdownDeadline
        public var limits = PutLogEventsLimits()

        public init(
            logGroup: String, logStream: String, flushInterval: Duration, queueCapacity: Int, shutdownTimeout: Duration,
            shutdownDeadline: ShutdownDeadline = .none
        ) {
            self.shutdownDeadline = shutdownDeadline
            self.logGroup = logGroup
            self.logStream = logStream
            self.flushInterval = flushInterval
            self.queueCapacity = queueCapacity
            self.shutdownTimeout = shutdownTimeout
        }
    }

    let configuration: Configuration
    private let sink: any LogEventsSink
    private let encoder: LogEventEncoder
    let core: ExporterCore<C, TelemetryRecord>
    private let destinationReady = Atomic<Bool>(false)

    /// - Parameters:
    ///   - emf: when set, metric records become EMF documents in the same stream.
    ///   - logger: must not feed this exporter (use one that writes to stdout and the ring buffer).
    ///   - onDrop: called with each number of records dropped, to count `TelemetryDropped`.
    init(configuration: Configuration, sink: any LogEventsSink, emf: EMFEncoder?, clock: C, logger: Logger,
         onDrop: @escaping @Sendable (Int) -> Void) {
        self.configuration = configuration
        self.sink = sink
        self.encoder = LogEventEncoder(limits: configuration.limits, emf: emf)
        self.core = ExporterCore(.init(
            name: "CloudWatch Logs", keptItems: "records", callItems: "events", queueCapacity: configuration.queueCapacity,
            flushInterval: configuration.flushInterval, threshold: configuration.batchThreshold, maxAttempts: configuration.maxAttempts,
            backoff: configuration.backoff, shutdownTimeout: configuration.shutdownTimeout,
            shutdownDeadline: configuration.shutdownDeadline
        ), clock: clock, logger: logger, onDrop: onDrop, classify: Self.classify)
    }

    /// Records wait in the queue; nothing else happens on the caller's task.
    public func submit(_ record: TelemetryRecord) {
        if case .metric = record, encoder.emf == nil { return }
        core.queue.push(record)
    }

    /// Sends what is queued now. Returns false when the destination stayed unreachable.
    func flushQueued() async -> Bool {
        let records = core.queue.drain()
        guard !records.isEmpty else { return true }
        let now = Int64(DefaultTracerClock.now.millisecondsSinceEpoch)
        var events: [(event: CloudWatchLogEvent, record: Int)] = []
        var tooOldOrNew = 0
        for (index, record) in records.enumerated() {
            for event in encoder.events(for: record) {
                let age = now - event.timestampMilliseconds
                if age > configuration.limits.maxAgeMilliseconds || -age > configuration.limits.maxFutureMilliseconds {
                    tooOldOrNew += 1
                    continue
                }
                events.append((event, index))
            }
        }
        if tooOldOrNew > 0 { core.onDrop(tooOldOrNew) }
        let batches = LogEventBatcher.batches(events.map(\.event), limits: configuration.limits)
        for (position, batch) in batches.enumerated() {
            switch await send(batch.map { events[$0].event }) {
            case .sent(let rejected):
                if rejected > 0 { core.onDrop(rejected) }
            case .dropped:
                core.onDrop(batch.count)
            case .unreachable:
                let pending = Set(batches[position...].joined().map { events[$0].record }).sorted()
                core.queue.requeueAtFront(pending.map { records[$0] })
                return false
            }
        }
        return true
    }

    private func send(_ batch: [CloudWatchLogEvent]) async -> ExportCallOutcome<Int> {
        let outcome = await core.attempts.send(count: batch.count, retryAnyway: { failure in
            guard failure.kind == .resourceNotFound else { return false }
            destinationReady.store(false, ordering: .relaxed)
            return true
        }) {
            try await ensureDestination()
            return try await sink.putLogEvents(group: configuration.logGroup, stream: configuration.logStream, events: batch).rejectedCount
        }
        if case .sent(let rejected) = outcome {
            core.counters.update { $0.itemsSent += batch.count - rejected }
            if let oldest = batch.lazy.map(\.timestampMilliseconds).min() {
                core.counters.recordLag(oldestNanoseconds: UInt64(max(0, oldest)) * 1_000_000, now: DefaultTracerClock.now.nanosecondsSinceEpoch)
            }
        }
        return outcome
    }

    private func ensureDestination() async throws {
        guard !destinationReady.load(ordering: .relaxed) else { return }
        do {
            try await sink.createLogGroup(name: configuration.logGroup)
        } catch let error as TelemetryExportError where error.kind == .resourceAlreadyExists {}
        do {
            try await sink.createLogStream(group: configuration.logGroup, stream: configuration.logStream)
        } catch let error as TelemetryExportError where error.kind == .resourceAlreadyExists {}
        destinationReady.store(true, ordering: .relaxed)
    }

    static func classify(_ error: any Error) -> TelemetryExportError {
        if let error = error as? TelemetryExportError { return error }
        return TelemetryExportError(kind: .unavailable, service: "logs", operation: "PutLogEvents", message: "\(error)")
    }
}
