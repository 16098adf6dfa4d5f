import AWS
import Curl
import Foundation
import Logging
import Telemetry

extension TelemetrySystem {
    /// The worker's telemetry: the ring buffer in the data directory always, CloudWatch Logs and
    /// PutMetricData through an `AWSClient` from the same environment when `RAG_CLOUDWATCH` is on,
    /// content capture to S3 through the same client when `RAG_CAPTURE_CONTENT` is `s3://…`, and
    /// OTLP traces when an endpoint (or `RAG_XRAY`) is configured.
    ///
    /// The AWS client's own retry warnings go to standard error, never into the exporters' queues.
    ///
    /// - Parameters:
    ///   - logOutput: where JSON log lines go; stdout for `serve`, nil for commands that print
    ///     their own report (their records still reach the ring buffer).
    ///   - drain: `serve`'s shutdown budget: the exporters' final flushes end by its end.
    /// - Throws: `SQLiteError` when the ring buffer cannot be opened.
    static func worker(
        config: Config, environment: [String: String], httpClient: any HTTPClient,
        logOutput: (any LogLineWriter)? = StandardOutputLogWriter(), drain: DrainBudget? = nil
    ) throws -> TelemetrySystem {
        var awsLogger = Logger(label: "rag-worker.aws") { StreamLogHandler.standardError(label: $0) }
        awsLogger.logLevel = .warning
        var needsAWS = config.telemetry.cloudWatchEnabled
        if case .s3 = config.telemetry.contentCapture { needsAWS = true }
        let aws = needsAWS ? AWSClient(environment: environment, httpClient: httpClient, logger: awsLogger) : nil
        let otlp = TelemetrySystem.otlpSink(for: config.telemetry.otlp, environment: environment, httpClient: httpClient, logger: awsLogger)
        return try TelemetrySystem(
            configuration: config.telemetry, logLevel: config.logLevel, aws: aws, otlpSink: otlp, logOutput: logOutput,
            shutdownDeadline: drain.map { drain in ShutdownDeadline { drain.end } } ?? .none)
    }
}
