/// One CloudWatch Logs event: a millisecond timestamp and a message (here, a JSON document).
public struct CloudWatchLogEvent: Sendable, Equatable {
    /// Bytes CloudWatch adds to each event's message length when it counts a batch.
    public static let overheadBytes = 26

    public var timestampMilliseconds: Int64
    public var message: String

    public init(timestampMilliseconds: Int64, message: String) {
        self.timestampMilliseconds = timestampMilliseconds
        self.message = message
    }

    /// The event's size as PutLogEvents counts it: UTF-8 bytes of the message plus 26.
    public var billedBytes: Int { message.utf8.count + Self.overheadBytes }
}

/// What PutLogEvents reported as rejected (too old, too new, expired), by count.
public struct PutLogEventsRejections: Sendable, Equatable {
    public var rejectedCount: Int

    public init(rejectedCount: Int = 0) {
        self.rejectedCount = rejectedCount
    }
}

/// The three CloudWatch Logs calls the exporter makes. The production implementation adapts the
/// AWS module's `CloudWatchLogsClient`; tests point that adapter at a loopback server or moto.
public protocol LogEventsSink: Sendable {
    /// Creates the group; throws `.resourceAlreadyExists` (or succeeds) when it exists.
    func createLogGroup(name: String) async throws
    /// Creates the stream; throws `.resourceAlreadyExists` (or succeeds) when it exists.
    func createLogStream(group: String, stream: String) async throws
    /// Sends one batch, already within every PutLogEvents limit and in chronological order.
    func putLogEvents(group: String, stream: String, events: [CloudWatchLogEvent]) async throws -> PutLogEventsRejections
}
