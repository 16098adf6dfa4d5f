import Foundation

extension TelemetryConfiguration {
    /// The log group of an endpoint when `RAG_LOG_GROUP` is unset: the group SageMaker writes the
    /// container's stdout to, which the stack creates with a retention. The worker's exporter, the
    /// dashboard's Logs Insights widgets and the operator commands all use this one rule, so a
    /// deployed dashboard cannot query a group nobody writes to.
    public static func defaultLogGroupName(endpointName: String) -> String {
        "/aws/sagemaker/Endpoints/\(endpointName)"
    }

    /// Reads every setting from `environment`, collecting all bad values into one error.
    ///
    /// - Throws: ``TelemetryConfigurationError`` listing each variable that is malformed or out of range.
    public init(environment: [String: String]) throws {
        var reader = SettingsReader(environment)
        let endpoint = reader.name("RAG_ENDPOINT_NAME", default: "local", maxLength: 255)
        let emf = reader.flag("RAG_EMF", default: false)
        let highResolution = reader.flag("RAG_METRICS_HIGH_RESOLUTION", default: false)

        endpointName = endpoint
        dataDirectory = reader.string("RAG_DATA_DIR") ?? "./data"
        cloudWatchEnabled = reader.flag("RAG_CLOUDWATCH", default: false)
        logGroupName = reader.logGroupName("RAG_LOG_GROUP", default: Self.defaultLogGroupName(endpointName: endpoint))
        logStreamName = reader.logStreamName("RAG_LOG_STREAM", default: Self.defaultStreamName(environment))
        metricsNamespace = reader.namespace("RAG_METRICS_NAMESPACE", default: MetricCatalogue.defaultNamespace)
        embeddedMetricFormat = emf
        putMetricData = reader.flag("RAG_PUT_METRIC_DATA", default: !emf)
        highResolutionMetrics = highResolution
        metricsInterval = reader.seconds("RAG_METRICS_INTERVAL_SECONDS", default: highResolution ? 1 : 60, range: 1...3600)
        logsFlushInterval = reader.seconds("RAG_LOGS_FLUSH_SECONDS", default: 5, range: 0.05...300)
        ringBufferFlushInterval = reader.seconds("RAG_TELEMETRY_FLUSH_SECONDS", default: 1, range: 0.01...60)
        ringBufferMaxRows = reader.int("RAG_TELEMETRY_MAX_ROWS", default: 200_000, range: 100...100_000_000)
        ringBufferMaxBytes = reader.int("RAG_TELEMETRY_MAX_BYTES", default: 128 << 20, range: 65_536...(1 << 40))
        ringBufferQueueCapacity = reader.int("RAG_TELEMETRY_QUEUE_CAPACITY", default: 50_000, range: 100...10_000_000)
        logsQueueCapacity = reader.int("RAG_LOGS_QUEUE_CAPACITY", default: 20_000, range: 100...10_000_000)
        metricsQueueCapacity = reader.int("RAG_METRICS_QUEUE_CAPACITY", default: 20_000, range: 100...10_000_000)
        shutdownFlushTimeout = reader.seconds("RAG_TELEMETRY_SHUTDOWN_SECONDS", default: 3, range: 0.1...25)
        switch ContentCaptureMode.parse(
            rag: reader.string("RAG_CAPTURE_CONTENT"), otel: reader.string("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")) {
        case .success(let mode):
            contentCapture = mode
        case .failure(let problem):
            reader.report(problem.variable, problem.problem)
            contentCapture = .off
        }
        captureMaxJobs = reader.int("RAG_CAPTURE_MAX_JOBS", default: 500, range: 1...1_000_000)
        captureMaxBytes = reader.int("RAG_CAPTURE_MAX_BYTES", default: 64 << 20, range: 65_536...(1 << 40))
        captureRetention = reader.seconds("RAG_CAPTURE_RETENTION_HOURS", default: 72, range: 0.001...8_760) * 3600
        otlp = OTLPConfiguration(reader: &reader)

        if highResolution, metricsInterval > .seconds(1), environment["RAG_METRICS_INTERVAL_SECONDS"] != nil {
            // A 1-second storage resolution with a longer interval would just publish sparse points.
            reader.report("RAG_METRICS_INTERVAL_SECONDS", "must be 1 when RAG_METRICS_HIGH_RESOLUTION is on")
        }
        if !reader.problems.isEmpty {
            throw TelemetryConfigurationError(problems: reader.problems)
        }
    }

    /// `<host>/<UTC start time>-<pid>`, unique per process so restarts never interleave streams.
    static func defaultStreamName(_ environment: [String: String]) -> String {
        let host = environment["ContainerHostname"] ?? environment["HOSTNAME"] ?? ProcessInfo.processInfo.hostName
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        let cleanHost = host.filter { $0 != ":" && $0 != "*" }
        return "\(cleanHost.isEmpty ? "local" : cleanHost)/\(formatter.string(from: Date()))-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
