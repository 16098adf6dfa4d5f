import AWS
import Logging

extension TelemetrySystem {
    /// The contract the worker uses: CloudWatch destinations from an `AWSClient` when
    /// `RAG_CLOUDWATCH` is on, and the S3 capture destination when `RAG_CAPTURE_CONTENT` is
    /// `s3://…` (pass nil when neither is).
    ///
    /// - Throws: ``TelemetryConfigurationError`` when CloudWatch or S3 capture is on and `aws` is
    ///   nil; `SQLiteError` when the ring buffer cannot be opened.
    public convenience init(
        configuration: TelemetryConfiguration, logLevel: Logger.Level, aws: AWSClient?,
        clock: some Clock<Duration> = ContinuousClock(), logOutput: (any LogLineWriter)? = StandardOutputLogWriter(),
        shutdownDeadline: ShutdownDeadline = .none
    ) throws {
        let destinations = aws.map { CloudWatchDestinations(logs: AWSLogEventsSink(client: $0), metrics: AWSMetricDataSink(client: $0)) }
        var capture: (any ContentCaptureDestination)?
        if case .s3(let bucket, let prefix) = configuration.contentCapture, let aws {
            capture = S3CaptureDestination(client: S3Client(client: aws), bucket: bucket, prefix: prefix)
        }
        try self.init(
            configuration: configuration, logLevel: logLevel, destinations: destinations, captureDestination: capture,
            clock: clock, logOutput: logOutput, shutdownDeadline: shutdownDeadline)
    }
}
