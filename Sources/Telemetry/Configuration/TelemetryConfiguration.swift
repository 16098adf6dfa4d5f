import Foundation

/// Every telemetry setting, read once at start-up from the environment and validated as a whole.
///
/// Each property names its environment variable and default. Tests build one from a dictionary
/// with ``init(environment:)`` and may then adjust the `var`s; nothing here touches the process
/// environment.
public struct TelemetryConfiguration: Sendable {
    /// `RAG_ENDPOINT_NAME`, default `local`: the `EndpointName` dimension of every metric.
    public var endpointName: String
    /// `RAG_DATA_DIR`, default `./data`: directory of the ring buffer file ``ringBufferFileName``.
    public var dataDirectory: String
    /// `RAG_CLOUDWATCH` `on|off`, default off: the CloudWatch Logs and PutMetricData exporters.
    public var cloudWatchEnabled: Bool
    /// `RAG_LOG_GROUP`, default `/rag-worker/<endpoint name>`: the log group of span and log events.
    public var logGroupName: String
    /// `RAG_LOG_STREAM`, default `<host>/<start time>-<pid>`: one stream per process.
    public var logStreamName: String
    /// `RAG_METRICS_NAMESPACE`, default ``MetricCatalogue/defaultNamespace``.
    public var metricsNamespace: String
    /// `RAG_EMF` `on|off`, default off: also write Embedded Metric Format records to the log group.
    public var embeddedMetricFormat: Bool
    /// `RAG_PUT_METRIC_DATA` `on|off`, default on unless `RAG_EMF` is on: send PutMetricData.
    ///
    /// With EMF on and this on as well, CloudWatch receives every value twice (once extracted from
    /// the log, once from PutMetricData) and sums double: turn both on only with distinct namespaces.
    public var putMetricData: Bool
    /// `RAG_METRICS_HIGH_RESOLUTION` `on|off`, default off: 1-second aggregation and
    /// `StorageResolution` 1 (high-resolution metrics cost more).
    public var highResolutionMetrics: Bool
    /// `RAG_METRICS_INTERVAL_SECONDS`, default 60 (1 with high resolution): aggregation interval.
    public var metricsInterval: Duration
    /// `RAG_LOGS_FLUSH_SECONDS`, default 5: how often queued log events are sent to CloudWatch Logs.
    public var logsFlushInterval: Duration
    /// `RAG_TELEMETRY_FLUSH_SECONDS`, default 1: how often the ring buffer commits; a crash loses at most this.
    public var ringBufferFlushInterval: Duration
    /// `RAG_TELEMETRY_MAX_ROWS`, default 200,000: records the ring buffer keeps before evicting the oldest.
    public var ringBufferMaxRows: Int
    /// `RAG_TELEMETRY_MAX_BYTES`, default 128 MiB: payload bytes the ring buffer keeps before evicting the oldest.
    public var ringBufferMaxBytes: Int
    /// `RAG_TELEMETRY_QUEUE_CAPACITY`, default 50,000: records waiting for the ring buffer writer.
    public var ringBufferQueueCapacity: Int
    /// `RAG_LOGS_QUEUE_CAPACITY`, default 20,000: events waiting for CloudWatch Logs; the oldest go first.
    public var logsQueueCapacity: Int
    /// `RAG_METRICS_QUEUE_CAPACITY`, default 20,000: metric datums waiting for PutMetricData.
    public var metricsQueueCapacity: Int
    /// `RAG_TELEMETRY_SHUTDOWN_SECONDS`, default 3: time each exporter gets for its last flush at shutdown.
    public var shutdownFlushTimeout: Duration
    /// `RAG_CAPTURE_CONTENT` `off|local|s3://bucket/prefix`, default off (or `local` when
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`): where each job's prompts and raw
    /// model replies are kept for debugging.
    public var contentCapture: ContentCaptureMode
    /// `RAG_CAPTURE_MAX_JOBS`, default 500: jobs whose capture the ring buffer keeps (`local`).
    public var captureMaxJobs: Int
    /// `RAG_CAPTURE_MAX_BYTES`, default 64 MiB: capture bytes the ring buffer keeps (`local`).
    public var captureMaxBytes: Int
    /// `RAG_CAPTURE_RETENTION_HOURS`, default 72: how long the ring buffer keeps a capture (`local`).
    public var captureRetention: Duration
    /// The OTLP/HTTP trace exporter (`OTEL_EXPORTER_OTLP_*`, `RAG_XRAY`); off unless an endpoint is set.
    public var otlp: OTLPConfiguration

    /// File name of the ring buffer inside ``dataDirectory``.
    public static let ringBufferFileName = "telemetry.sqlite"

    /// Path of the ring buffer database.
    public var ringBufferPath: String {
        (dataDirectory as NSString).appendingPathComponent(Self.ringBufferFileName)
    }

    /// StorageResolution of exported metrics: 1 for high-resolution, else 60.
    public var storageResolution: Int { highResolutionMetrics ? 1 : 60 }
}
