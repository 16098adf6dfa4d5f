import CoreMetrics
import Instrumentation
import Logging
import ServiceLifecycle
import Tracing

/// The telemetry of one process, assembled from a ``TelemetryConfiguration``: the tracer, the
/// metrics factory, log handlers, and the services that export (ring buffer always, CloudWatch
/// Logs and PutMetricData when `RAG_CLOUDWATCH` is on, OTLP traces when an endpoint is configured).
/// Every exporter is fed by the one ``recordSink``.
///
/// Instrumented code sees only swift-distributed-tracing, swift-metrics and swift-log; `@main`
/// calls ``bootstrapGlobally()`` once and runs ``services`` in its `ServiceGroup`.
public final class TelemetrySystem: Sendable {
    public let configuration: TelemetryConfiguration
    /// The W3C tracer (also the `Instrument` that injects and extracts `traceparent`).
    public let tracer: TelemetryTracer
    /// The swift-metrics backend, concretely.
    public let metrics: TelemetryMetricsFactory
    /// The ring buffer the post-mortem and report commands read.
    public let ringBuffer: RingBufferStore
    /// Ring-buffer writer, exporters and metrics publisher, in start order. Put them *first* in
    /// the worker's `ServiceGroup`: services shut down in reverse order, so telemetry outlives the
    /// server and job runner and records their last spans; each flushes within
    /// `RAG_TELEMETRY_SHUTDOWN_SECONDS`.
    public let services: [any Service]
    /// Receives every span, log record and metric interval: the ring buffer as written, the
    /// exporters through the ``ContentBoundary``.
    public let recordSink: any TelemetryRecordSink
    /// What may leave the process (the exporters' boundary and stdout apply it).
    public let contentPolicy: ContentPolicy
    /// The text of the jobs in progress, screened out of diagnostic text at the boundary.
    public var contentScreen: ContentScreen { contentPolicy.screen }
    /// Hands each job its capture of prompts and replies (`RAG_CAPTURE_CONTENT`).
    public let contentCapture: ContentCapture

    /// Empty each exporter's queue (benchmarks).
    private let queueDrainers: [@Sendable () -> Void]
    private let logLevel: Logger.Level
    private let logOutput: (any LogLineWriter)?
    private let flushers: [@Sendable () async -> Void]
    private let statisticsReaders: [String: @Sendable () -> ExporterStatistics]

    /// The swift-metrics backend.
    public var metricsFactory: any MetricsFactory { metrics }

    /// Assembles telemetry with explicit CloudWatch and OTLP destinations (tests pass loopback-backed ones).
    ///
    /// - Parameters:
    ///   - destinations: required when `configuration.cloudWatchEnabled`; ignored otherwise.
    ///   - otlpSink: required when `configuration.otlp.isEnabled`; ignored otherwise.
    ///   - captureDestination: where captured content goes when `RAG_CAPTURE_CONTENT` is `s3://…`
    ///     (required then); `local` uses the ring buffer, `off` nothing.
    ///   - logOutput: where JSON log lines go; stdout by default, nil for none.
    ///   - shutdownDeadline: the process's shutdown budget: the exporters' final flushes, one
    ///     after another, each keep within `RAG_TELEMETRY_SHUTDOWN_SECONDS` and never run past it.
    /// - Throws: ``TelemetryConfigurationError`` when CloudWatch or OTLP is on without a destination
    ///   or capture goes to S3 without one, `SQLiteError` when the ring buffer cannot be opened.
    public init(
        configuration: TelemetryConfiguration, logLevel: Logger.Level, destinations: CloudWatchDestinations?,
        otlpSink: (any OTLPTraceSink)? = nil, captureDestination: (any ContentCaptureDestination)? = nil,
        clock: some Clock<Duration> = ContinuousClock(), logOutput: (any LogLineWriter)? = StandardOutputLogWriter(),
        shutdownDeadline: ShutdownDeadline = .none
    ) throws {
        if configuration.cloudWatchEnabled, destinations == nil {
            throw TelemetryConfigurationError(problems: [.init(variable: "RAG_CLOUDWATCH", problem: "is on, but no AWS client is available")])
        }
        if configuration.otlp.isEnabled, otlpSink == nil {
            throw TelemetryConfigurationError(problems: [.init(variable: "OTEL_EXPORTER_OTLP_ENDPOINT", problem: "is set, but no OTLP sink is available")])
        }
        if case .s3 = configuration.contentCapture, captureDestination == nil {
            throw TelemetryConfigurationError(problems: [.init(variable: "RAG_CAPTURE_CONTENT", problem: "is s3://…, but no AWS client is available")])
        }
        self.configuration = configuration
        self.logLevel = logLevel
        self.logOutput = logOutput
        let policy = ContentPolicy(screen: ContentScreen())
        contentPolicy = policy
        let metrics = TelemetryMetricsFactory()
        self.metrics = metrics
        let dropped = metrics.makeCounter(label: MetricCatalogue.telemetryDropped.name, dimensions: [])
        let onDrop: @Sendable (Int) -> Void = { dropped.increment(by: Int64($0)) }

        ringBuffer = try RingBufferStore(
            path: configuration.ringBufferPath,
            limits: RingBufferLimits(maxRows: configuration.ringBufferMaxRows, maxBytes: configuration.ringBufferMaxBytes),
            replaceIfDamaged: true)
        let internalLogger = Self.internalLogger(output: logOutput, level: logLevel, policy: policy)
        let ringWriter = RingBufferWriter(
            store: ringBuffer, queueCapacity: configuration.ringBufferQueueCapacity,
            flushInterval: configuration.ringBufferFlushInterval, shutdownTimeout: configuration.shutdownFlushTimeout,
            shutdownDeadline: shutdownDeadline, clock: clock, logger: internalLogger(nil), onDrop: onDrop)
        let exporterLogger = internalLogger(ringWriter)

        // Every exporter that sends records off the instance goes in `sinks`, which only the
        // content boundary feeds; the ring buffer, on the instance, gets records as written.
        var sinks: [any TelemetryRecordSink] = []
        var services: [any Service] = [ringWriter]
        var flushers: [@Sendable () async -> Void] = []
        var statistics: [String: @Sendable () -> ExporterStatistics] = [:]
        var queueDrainers: [@Sendable () -> Void] = [{ _ = ringWriter.queue.drain() }]
        var monitored: [SelfMonitoring.Exporter] = []
        if configuration.cloudWatchEnabled, let destinations {
            let filter = CatalogueFilter(endpointName: configuration.endpointName)
            let emf = configuration.embeddedMetricFormat
                ? EMFEncoder(namespace: configuration.metricsNamespace, storageResolution: configuration.storageResolution, filter: filter)
                : nil
            let logs = CloudWatchLogsExporter(
                configuration: .init(logGroup: configuration.logGroupName, logStream: configuration.logStreamName,
                                     flushInterval: configuration.logsFlushInterval, queueCapacity: configuration.logsQueueCapacity,
                                     shutdownTimeout: configuration.shutdownFlushTimeout, shutdownDeadline: shutdownDeadline),
                sink: destinations.logs, emf: emf, clock: clock, logger: exporterLogger, onDrop: onDrop)
            sinks.append(logs)
            services.append(logs)
            queueDrainers.append { _ = logs.queue.drain() }
            flushers.append { await logs.forceFlush() }
            statistics["logs"] = { logs.statistics }
            monitored.append(.init(name: "cloudwatch-logs", counters: logs.counters))
            if configuration.putMetricData {
                let exporter = CloudWatchMetricsExporter(
                    configuration: .init(namespace: configuration.metricsNamespace, endpointName: configuration.endpointName,
                                         storageResolution: configuration.storageResolution,
                                         queueCapacity: configuration.metricsQueueCapacity,
                                         flushInterval: configuration.metricsInterval, shutdownTimeout: configuration.shutdownFlushTimeout,
                                         shutdownDeadline: shutdownDeadline),
                    sink: destinations.metrics, clock: clock, logger: exporterLogger, onDrop: onDrop)
                sinks.append(exporter)
                services.append(exporter)
                // Metrics go out before logs so EMF and warnings of this flush reach the log group.
                flushers.insert({ await exporter.forceFlush() }, at: 0)
                statistics["metrics"] = { exporter.statistics }
                monitored.append(.init(name: "cloudwatch-metrics", counters: exporter.counters))
            }
        }
        if configuration.otlp.isEnabled, let otlpSink {
            let otlp = OTLPSpanExporter(
                configuration: configuration.otlp, resource: OTLPResource.attributes(configuration), sink: otlpSink,
                shutdownTimeout: configuration.shutdownFlushTimeout, shutdownDeadline: shutdownDeadline,
                clock: clock, logger: exporterLogger, onDrop: onDrop)
            sinks.append(otlp)
            services.append(otlp)
            queueDrainers.append { _ = otlp.queue.drain() }
            flushers.append { await otlp.forceFlush() }
            statistics["otlp"] = { otlp.statistics }
            monitored.append(.init(name: configuration.otlp.exporterName, counters: otlp.counters))
        }
        let captureTarget: (any ContentCaptureDestination)? = switch configuration.contentCapture {
        case .off: nil
        case .local: LocalCaptureDestination(store: ringBuffer, limits: CaptureRetention(
            maxJobs: configuration.captureMaxJobs, maxBytes: configuration.captureMaxBytes, maxAge: configuration.captureRetention))
        case .s3: captureDestination
        }
        var captureExporter: ContentCaptureExporter?
        if let captureTarget {
            let exporter = ContentCaptureExporter(
                destination: captureTarget, shutdownTimeout: configuration.shutdownFlushTimeout, shutdownDeadline: shutdownDeadline,
                logger: exporterLogger, onDrop: onDrop)
            services.append(exporter)
            flushers.append { await exporter.forceFlush() }
            statistics["capture"] = { exporter.statistics }
            if case .s3 = configuration.contentCapture {
                monitored.append(.init(name: captureTarget.name, counters: exporter.core.counters))
            }
            captureExporter = exporter
        }
        contentCapture = ContentCapture(mode: configuration.contentCapture, screen: policy.screen, exporter: captureExporter)

        let fanOut = FanOutSink([ringWriter, ContentBoundary(policy: policy, exporters: sinks)])
        let selfMonitoring = SelfMonitoring(factory: metrics, exporters: monitored)
        let publisher = MetricsPublisher(
            factory: metrics, sink: fanOut, interval: configuration.metricsInterval, clock: clock,
            beforePublish: { selfMonitoring.record() })
        services.append(publisher)
        flushers.insert({ publisher.publish() }, at: 0)
        flushers.append { await ringWriter.flush() }

        recordSink = fanOut
        self.queueDrainers = queueDrainers
        tracer = TelemetryTracer(sink: fanOut)
        self.services = services
        self.flushers = flushers
        self.statisticsReaders = statistics
    }

    /// A log handler for `label`: JSON lines to stdout, records to the ring buffer and CloudWatch Logs,
    /// `trace.id`/`span.id` from `ServiceContext.current`.
    public func makeLogHandler(label: String) -> any LogHandler {
        TelemetryLogHandler(label: label, logLevel: logLevel, output: logOutput, sink: recordSink, policy: contentPolicy)
    }

    /// A logger whose records go through this system (no global bootstrap needed).
    public func makeLogger(label: String) -> Logger {
        Logger(label: label) { self.makeLogHandler(label: $0) }
    }

    /// Makes this system the process-wide backend of swift-log, swift-metrics and
    /// swift-distributed-tracing. Only `@main` calls this, once.
    public func bootstrapGlobally() {
        LoggingSystem.bootstrap({ label, provider in
            var handler = TelemetryLogHandler(
                label: label, logLevel: self.logLevel, output: self.logOutput, sink: self.recordSink, policy: self.contentPolicy)
            handler.metadataProvider = provider
            return handler
        }, metadataProvider: .telemetryTrace)
        MetricsSystem.bootstrap(metrics)
        InstrumentationSystem.bootstrap(tracer)
    }

    /// Publishes the metrics recorded so far and flushes every exporter, then the ring buffer.
    /// For tests and one-shot commands; the services flush on their own when running.
    public func flush() async {
        for flush in flushers {
            await flush()
        }
    }

    /// Empties the exporters' queues without sending (benchmarks measure the hot path alone).
    func drainQueuesWithoutExporting() {
        for drain in queueDrainers { drain() }
    }

    /// Statistics of the exporters (`logs`, `metrics`, `otlp`) and of content capture
    /// (`capture`), those that run.
    public func exporterStatistics() -> [String: ExporterStatistics] {
        statisticsReaders.mapValues { $0() }
    }

    /// A logger for the exporters themselves: stdout, plus the ring buffer when given. It never
    /// feeds a CloudWatch exporter, whose failures would otherwise log into its own queue.
    private static func internalLogger(
        output: (any LogLineWriter)?, level: Logger.Level, policy: ContentPolicy
    ) -> ((any TelemetryRecordSink)?) -> Logger {
        { sink in
            Logger(label: "rag.telemetry") { label in
                TelemetryLogHandler(label: label, logLevel: max(level, .info), output: output, sink: sink ?? FanOutSink([]), policy: policy)
            }
        }
    }
}

/// The CloudWatch endpoints the exporters write to.
public struct CloudWatchDestinations: Sendable {
    public var logs: any LogEventsSink
    public var metrics: any MetricDataSink

    public init(logs: any LogEventsSink, metrics: any MetricDataSink) {
        self.logs = logs
        self.metrics = metrics
    }
}
