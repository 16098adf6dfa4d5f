import Foundation

/// One event to send with PutLogEvents.
public struct LogEvent: Sendable, Equatable, Encodable {
    /// Milliseconds since 1970 (UTC).
    public var timestampMillis: Int64
    public var message: String

    public init(timestampMillis: Int64, message: String) {
        self.timestampMillis = timestampMillis
        self.message = message
    }

    public init(date: Date, message: String) {
        self.init(timestampMillis: Int64((date.timeIntervalSince1970 * 1000).rounded()), message: message)
    }

    /// What the event counts against the 1,048,576-byte batch limit: UTF-8 bytes plus 26.
    public var batchSize: Int { message.utf8.count + CloudWatchLogsClient.eventOverheadBytes }

    enum CodingKeys: String, CodingKey {
        case timestampMillis = "timestamp", message
    }
}

/// The answer to PutLogEvents: which events (by index range) CloudWatch Logs refused.
public struct PutLogEventsResult: Sendable, Equatable, Decodable {
    /// Index ranges of refused events; `nil` when every event was accepted.
    public var rejectedLogEventsInfo: RejectedLogEventsInfo?

    /// Refused events, by index in the (timestamp-sorted) batch that was sent.
    public struct RejectedLogEventsInfo: Sendable, Equatable, Decodable {
        /// Events from this index on were more than 2 hours in the future.
        public var tooNewLogEventStartIndex: Int?
        /// Events up to and including this index were older than 14 days (or the retention).
        public var tooOldLogEventEndIndex: Int?
        /// Events up to and including this index were older than the group's retention.
        public var expiredLogEventEndIndex: Int?
    }

    /// How many events of a batch of `count` were refused.
    public func rejectedCount(of count: Int) -> Int {
        guard let info = rejectedLogEventsInfo else { return 0 }
        var rejected = Set<Int>()
        if let end = info.tooOldLogEventEndIndex { rejected.formUnion(0...max(0, min(end, count - 1))) }
        if let end = info.expiredLogEventEndIndex { rejected.formUnion(0...max(0, min(end, count - 1))) }
        if let start = info.tooNewLogEventStartIndex, start < count { rejected.formUnion(start..<count) }
        return count == 0 ? 0 : rejected.count
    }
}

/// An event as GetLogEvents returns it.
public struct OutputLogEvent: Sendable, Equatable, Decodable {
    public var timestamp: Int64
    public var message: String
    public var ingestionTime: Int64?
}

/// A page of GetLogEvents.
public struct GetLogEventsResult: Sendable, Equatable, Decodable {
    public var events: [OutputLogEvent]
    public var nextForwardToken: String?
    public var nextBackwardToken: String?
}

/// An event as FilterLogEvents returns it, with its stream.
public struct FilteredLogEvent: Sendable, Equatable, Decodable {
    public var timestamp: Int64
    public var message: String
    public var logStreamName: String?
    public var ingestionTime: Int64?
    public var eventId: String?
}

/// A page of FilterLogEvents.
public struct FilterLogEventsResult: Sendable, Equatable, Decodable {
    public var events: [FilteredLogEvent]
    public var nextToken: String?
}
