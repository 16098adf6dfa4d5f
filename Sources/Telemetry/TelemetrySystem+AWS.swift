import AWS
import Curl
import Logging

extension TelemetrySystem {
    /// The contract the worker uses: CloudWatch destinations from an `AWSClient` when
    /// `RAG_CLOUDWATCH` is on, the S3 capture destination when `RAG_CAPTURE_CONTENT` is `s3://…`
    /// (pass nil when neither is), and the OTLP sink the configuration names
    /// (``otlpSink(for:environment:httpClient:logger:)``).
    ///
    /// - Throws: ``TelemetryConfigurationError`` when CloudWatch or S3 capture is on and `aws` is
    ///   nil, or OTLP is on and `otlpSink` is nil; `SQLiteError` when the ring buffer cannot be opened.
    public convenience init(
        configuration: TelemetryConfiguration, logLevel: Logger.Level, aws: AWSClient?, otlpSink: (any OTLPTraceSink)? = nil,
        clock: some Clock<Duration> = ContinuousClock(), logOutput: (any LogLineWriter)? = StandardOutputLogWriter(),
        shutdownDeadline: ShutdownDeadline = .none
    ) throws {
        let destinations = aws.map { CloudWatchDestinations(logs: AWSLogEventsSink(client: $0), metrics: AWSMetricDataSink(client: $0)) }
        var capture: (any ContentCaptureDestination)?
        if case .s3(let bucket, let prefix) = configuration.contentCapture, let aws {
            capture = S3CaptureDestination(client: S3Client(client: aws), bucket: bucket, prefix: prefix)
        }
        try self.init(
            configuration: configuration, logLevel: logLevel, destinations: destinations, otlpSink: otlpSink,
            captureDestination: capture, clock: clock, logOutput: logOutput, shutdownDeadline: shutdownDeadline)
    }

    /// The OTLP destination of `configuration`: nil when OTLP is off, a plain HTTP sink for a
    /// configured URL, or CloudWatch's endpoint signed with the credentials chain of
    /// `environment` (`RAG_XRAY=on`).
    public static func otlpSink(
        for configuration: OTLPConfiguration, environment: [String: String], httpClient: any HTTPClient, logger: Logger
    ) -> (any OTLPTraceSink)? {
        switch configuration.destination {
        case nil: nil
        case .url(let url): HTTPOTLPTraceSink(url: url, client: httpClient)
        case .xray: XRayOTLPTraceSink(client: AWSClient(environment: environment, httpClient: httpClient, logger: logger))
        }
    }
}
