/// The limits of one PutLogEvents call
/// ([API reference](https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html)).
public struct PutLogEventsLimits: Sendable, Equatable {
    /// Events per batch.
    public var maxEvents = 10_000
    /// Bytes per batch: each event's UTF-8 message bytes plus 26.
    public var maxBatchBytes = 1_048_576
    /// Bytes of one event, the 26 included. AWS raised the limit to 1 MB; 256 KB is accepted everywhere.
    public var maxEventBytes = 262_144
    /// Milliseconds between the first and last event of a batch must stay below 24 hours.
    public var maxSpanMilliseconds: Int64 = 24 * 3600 * 1000 - 1
    /// Events older than 14 days are rejected by the service; the exporter drops them first.
    public var maxAgeMilliseconds: Int64 = 14 * 24 * 3600 * 1000 - 3600 * 1000
    /// Events more than 2 hours ahead are rejected by the service; the exporter drops them first.
    public var maxFutureMilliseconds: Int64 = 2 * 3600 * 1000 - 60 * 1000

    public init() {}

    /// The largest message of one event, in UTF-8 bytes.
    public var maxMessageBytes: Int { maxEventBytes - CloudWatchLogEvent.overheadBytes }
}
