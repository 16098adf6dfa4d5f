import AWS
import Logging

extension TelemetrySystem {
    /// The contract the worker uses: CloudWatch destinations from an `AWSClient` when
    /// `RAG_CLOUDWATCH` is on (pass nil when it is off).
    ///
    /// - Throws: ``TelemetryConfigurationError`` when CloudWatch is on and `aws` is nil;
    ///   `SQLiteError` when the ring buffer cannot be opened.
    public convenience init(
        configuration: TelemetryConfiguration, logLevel: Logger.Level, aws: AWSClient?,
        clock: some Clock<Duration> = ContinuousClock(), logOutput: (any LogLineWriter)? = StandardOutputLogWriter(),
        shutdownDeadline: ShutdownDeadline = .none
    ) throws {
        let destinations = aws.map { CloudWatchDestinations(logs: AWSLogEventsSink(client: $0), metrics: AWSMetricDataSink(client: $0)) }
        try self.init(
            configuration: configuration, logLevel: logLevel, destinations: destinations, clock: clock, logOutput: logOutput,
            shutdownDeadline: shutdownDeadline)
    }
}
