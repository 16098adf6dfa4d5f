import AWS

/// The CloudWatch Logs destination of ``CloudWatchLogsExporter``: the AWS module's client.
///
/// The client makes one attempt per call; the exporter owns retries (with backoff, and putting
/// records back in its queue while CloudWatch is unreachable), so attempts do not multiply.
public struct AWSLogEventsSink: LogEventsSink {
    public let logs: CloudWatchLogsClient

    public init(client: AWSClient) {
        logs = CloudWatchLogsClient(client: client.with(retryPolicy: .noRetries))
    }

    public func createLogGroup(name: String) async throws {
        try await TelemetryExportError.mapping { try await logs.createLogGroup(name) }
    }

    public func createLogStream(group: String, stream: String) async throws {
        try await TelemetryExportError.mapping { try await logs.createLogStream(group: group, stream: stream) }
    }

    public func putLogEvents(group: String, stream: String, events: [CloudWatchLogEvent]) async throws -> PutLogEventsRejections {
        try await TelemetryExportError.mapping {
            let result = try await logs.putLogEvents(
                group: group, stream: stream,
                events: events.map { LogEvent(timestampMillis: $0.timestampMilliseconds, message: $0.message) })
            return PutLogEventsRejections(rejectedCount: result.rejectedCount(of: events.count))
        }
    }
}
