import CoreMetrics
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Tracing

/// The telemetry benchmarks behind `rag-worker bench telemetry`: the hot-path costs (span,
/// counter, OTLP span export), the ring buffer's sustained write rate, and how few CloudWatch and
/// OTLP calls the exporters need for 100,000 events compared with the least the limits allow.
///
/// Run it from a release build; figures are recorded in docs/performance.md.
public struct TelemetryBenchmark: Sendable {
    /// One measured figure and its target.
    public struct Result: Sendable, Codable, Equatable {
        public var name: String
        public var value: Double
        public var unit: String
        public var target: String
        public var met: Bool
        public var detail: String
    }

    public var spanIterations = 200_000
    public var counterIterations = 2_000_000
    public var ringBufferRecords = 300_000
    public var exportEvents = 100_000
    /// A directory for the benchmark's ring buffer files (removed afterwards).
    public var workDirectory: String

    public init(workDirectory: String = NSTemporaryDirectory()) {
        self.workDirectory = workDirectory
    }

    /// The benchmarks by name, in the order they run.
    public static let names = ["span", "counter", "ring-buffer", "put-log-events", "put-metric-data", "otlp-span", "otlp-calls"]

    /// Runs the benchmarks named in `only` (all when empty).
    public func run(only: Set<String> = []) async throws -> [Result] {
        let directory = (workDirectory as NSString).appendingPathComponent("telemetry-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var results: [Result] = []
        for name in Self.names where only.isEmpty || only.contains(name) {
            switch name {
            case "span": results.append(try await spanCost(directory: directory))
            case "counter": results.append(counterCost())
            case "ring-buffer": results.append(try await ringBufferRate(directory: directory))
            case "put-log-events": results.append(await putLogEventsCalls())
            case "put-metric-data": results.append(await putMetricDataCalls())
            case "otlp-span": results.append(try otlpSpanCost())
            default: results.append(try await otlpCalls())
            }
        }
        return results
    }

    /// Median cost of starting and ending a span with 5 attributes, through the production sinks
    /// (ring-buffer queue and CloudWatch Logs queue), measured in batches of 1,000.
    func spanCost(directory: String) async throws -> Result {
        let configuration = try TelemetryConfiguration(environment: ["RAG_DATA_DIR": directory, "RAG_CLOUDWATCH": "on"])
        let system = try TelemetrySystem(configuration: configuration, logLevel: .info,
                                         destinations: CloudWatchDestinations(logs: NullLogEventsSink(), metrics: NullMetricDataSink()),
                                         logOutput: nil)
        let tracer = system.tracer
        let batch = 1_000
        // The worker sets attributes from values it has (a job's id), not from fresh formatting.
        let jobIDs = (0..<batch).map { "job-\($0)" }
        var perSpan: [Double] = []
        var wallPerSpan: [Double] = []
        var bareSpan: [Double] = []
        var withSpanCost: [Double] = []
        for round in 0..<(spanIterations / batch) {
            let start = ContinuousClock.now
            let cpuStart = Self.threadCPUNanoseconds()
            if round % 4 == 1 {
                // Every fourth batch without attributes, to show what the attributes cost.
                for _ in 0..<batch {
                    tracer.startSpan(PipelineStage.embed.spanName, context: .topLevel).end()
                }
                bareSpan.append(Double(Self.threadCPUNanoseconds() - cpuStart) / Double(batch))
                system.drainQueuesWithoutExporting()
                continue
            }
            if round % 4 == 3 {
                // And every fourth through `withSpan`, as the worker starts its spans (it also binds
                // the span's context as the task-local current context).
                for index in 0..<batch {
                    tracer.withSpan(PipelineStage.embed.spanName, context: .topLevel) { span in
                        span.attributes[SpanAttributes.jobID] = jobIDs[index]
                        span.attributes[SpanAttributes.stage] = "embed"
                        span.attributes[SpanAttributes.provider] = "openai"
                        span.attributes[SpanAttributes.attempts] = 1
                        span.attributes[SpanAttributes.outcome] = "ok"
                    }
                }
                withSpanCost.append(Double(Self.threadCPUNanoseconds() - cpuStart) / Double(batch))
                system.drainQueuesWithoutExporting()
                continue
            }
            for index in 0..<batch {
                let span = tracer.startSpan(PipelineStage.embed.spanName, context: .topLevel)
                span.attributes[SpanAttributes.jobID] = jobIDs[index]
                span.attributes[SpanAttributes.stage] = "embed"
                span.attributes[SpanAttributes.provider] = "openai"
                span.attributes[SpanAttributes.attempts] = 1
                span.attributes[SpanAttributes.outcome] = "ok"
                span.end()
            }
            perSpan.append(Double(Self.threadCPUNanoseconds() - cpuStart) / Double(batch))
            wallPerSpan.append(Self.nanoseconds(ContinuousClock.now - start) / Double(batch))
            // In production the exporters drain their queues continuously.
            system.drainQueuesWithoutExporting()
        }
        let median = Percentiles.nearestRank(0.5, of: perSpan) ?? 0
        return Result(name: "span start+end, 5 attributes (median CPU time)", value: median, unit: "ns", target: "≤ 2000 ns",
                      met: median <= 2_000,
                      detail: "p90 \(Int(Percentiles.nearestRank(0.9, of: perSpan) ?? 0)) ns; wall-clock median \(Int(Percentiles.nearestRank(0.5, of: wallPerSpan) ?? 0)) ns; "
                        + "without attributes \(Int(Percentiles.nearestRank(0.5, of: bareSpan) ?? 0)) ns; "
                        + "withSpan with 5 attributes \(Int(Percentiles.nearestRank(0.5, of: withSpanCost) ?? 0)) ns; \(perSpan.count) batches of \(batch)")
    }

    /// Median cost of `Counter.increment()` on the backend, in batches of 10,000.
    func counterCost() -> Result {
        let factory = TelemetryMetricsFactory()
        let counter = Counter(label: MetricCatalogue.jobsAccepted.name, factory: factory)
        let batch = 10_000
        var perIncrement: [Double] = []
        var wallPerIncrement: [Double] = []
        for _ in 0..<(counterIterations / batch) {
            let start = ContinuousClock.now
            let cpuStart = Self.threadCPUNanoseconds()
            for _ in 0..<batch { counter.increment() }
            perIncrement.append(Double(Self.threadCPUNanoseconds() - cpuStart) / Double(batch))
            wallPerIncrement.append(Self.nanoseconds(ContinuousClock.now - start) / Double(batch))
        }
        let total = factory.collect(from: 0, to: 1).first?.sum ?? 0
        let median = Percentiles.nearestRank(0.5, of: perIncrement) ?? 0
        return Result(name: "counter increment (median CPU time)", value: median, unit: "ns", target: "≤ 200 ns", met: median <= 200,
                      detail: "wall-clock median \(String(format: "%.1f", Percentiles.nearestRank(0.5, of: wallPerIncrement) ?? 0)) ns; \(Int(total)) increments counted")
    }

    /// Records per second the ring buffer writer commits when fed as fast as it drains: JSON
    /// encoding, inserts in 2,048-record transactions and eviction (active: the buffer is full).
    func ringBufferRate(directory: String) async throws -> Result {
        let limits = RingBufferLimits(maxRows: 100_000, maxBytes: 1 << 30)
        let store = try RingBufferStore(path: (directory as NSString).appendingPathComponent("rate.sqlite"), limits: limits)
        let dropped = Atomic<Int>(0)
        let capacity = 50_000
        let writer = RingBufferWriter(store: store, queueCapacity: capacity, flushInterval: .seconds(1), shutdownTimeout: .seconds(60),
                                      clock: ContinuousClock(), logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() },
                                      onDrop: { dropped.add($0, ordering: .relaxed) })
        let records = Self.sampleRecords(count: 8_192)
        let total = ringBufferRecords
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.run() }
            var produced = 0
            while produced < total {
                // Keep the queue short of full: the figure is the writer's rate, with nothing dropped.
                while writer.queue.count > capacity - 4_096 { try await Task.sleep(for: .milliseconds(1)) }
                for _ in 0..<min(4_096, total - produced) {
                    writer.submit(records[produced % records.count])
                    produced += 1
                }
            }
            writer.shutdown()
            try await group.waitForAll()
        }
        let seconds = Self.nanoseconds(ContinuousClock.now - start) / 1e9
        let committed = store.currentTotals.rows + store.evictedCount
        let rate = Double(committed) / seconds
        return Result(name: "ring buffer sustained writes", value: rate.rounded(), unit: "records/s", target: "≥ 50,000 records/s",
                      met: rate >= 50_000 && dropped.load(ordering: .relaxed) == 0,
                      detail: "\(committed) records committed in \(String(format: "%.2f", seconds)) s, \(dropped.load(ordering: .relaxed)) dropped; "
                        + "\(store.currentTotals.rows) rows kept (limit \(limits.maxRows)), \(store.evictedCount) evicted")
    }

    /// Spans shaped like the worker's stage spans and log records, about 400–700 bytes of JSON each;
    /// every `withLargeEvery`-th is a 200 KB log message.
    static func sampleRecords(count: Int, withLargeEvery large: Int = 0) -> [TelemetryRecord] {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        let traceID = TraceIDs.newTraceID()
        let big = String(repeating: "é", count: 100_000)
        return (0..<count).map { index in
            let time = now - UInt64(count - index) * 1_000
            if large > 0, index % large == 0 {
                return .log(LogRecord(timestampNanoseconds: time, level: .warning, label: "rag.runner", message: big))
            }
            if index.isMultiple(of: 3) {
                return .log(LogRecord(timestampNanoseconds: time, level: .info, label: "rag.runner", message: "stage finished",
                                      metadata: [LogKeys.jobID: "job-\(index / 9)", LogKeys.traceID: .string(traceID), "stage": "embed"]))
            }
            return .span(SpanRecord(
                name: PipelineStage.allCases[index % 8].spanName,
                context: TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID()), parentSpanID: TraceIDs.newSpanID(),
                startNanoseconds: time - 2_000_000, endNanoseconds: time,
                attributes: [SpanAttributes.jobID: .string("job-\(index / 9)"), SpanAttributes.stage: "embed",
                             SpanAttributes.provider: "openai", SpanAttributes.attempts: 1, SpanAttributes.outcome: "ok",
                             SpanAttributes.genAIRequestModel: "text-embedding-3-small"]))
        }
    }

    /// CPU time of the calling thread: unlike wall-clock time it does not count the time other
    /// processes on the machine take the core away (the hot-path figures measure cost, not luck).
    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}

/// A deterministic generator for benchmark data.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
