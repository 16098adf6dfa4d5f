import Foundation

/// CloudWatch Logs (JSON 1.1, `Logs_20140328`): log groups, streams, retention, events.
///
/// [API reference](https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/Welcome.html)
public struct CloudWatchLogsClient: Sendable {
    /// PutLogEvents limits: events per batch, bytes per batch, bytes counted per event besides its message.
    public static let maximumBatchEvents = 10_000
    public static let maximumBatchBytes = 1_048_576
    public static let eventOverheadBytes = 26

    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    public func createLogGroup(_ name: String) async throws {
        let _: AWSEmptyResponse = try await call("CreateLogGroup", ["logGroupName": name])
    }

    /// Creates the group unless it exists. Returns `true` when it was created.
    @discardableResult
    public func ensureLogGroup(_ name: String) async throws -> Bool {
        try await ignoringAlreadyExists { try await createLogGroup(name) }
    }

    public func createLogStream(group: String, stream: String) async throws {
        let _: AWSEmptyResponse = try await call("CreateLogStream", ["logGroupName": group, "logStreamName": stream])
    }

    /// Creates the stream unless it exists. Returns `true` when it was created.
    @discardableResult
    public func ensureLogStream(group: String, stream: String) async throws -> Bool {
        try await ignoringAlreadyExists { try await createLogStream(group: group, stream: stream) }
    }

    /// Sets how long the group keeps events (1, 3, 5, 7, 14, 30, 60, 90, ... 3653 days).
    public func putRetentionPolicy(group: String, days: Int) async throws {
        struct Input: Encodable { var logGroupName: String; var retentionInDays: Int }
        let _: AWSEmptyResponse = try await client.json(
            service: .cloudWatchLogs, target: "PutRetentionPolicy", body: Input(logGroupName: group, retentionInDays: days)
        )
    }

    /// Sends one batch. Events are sorted by timestamp first (the API requires it; the order of
    /// equal timestamps is kept), so rejected indexes refer to the sorted order. Callers keep a
    /// batch within ``maximumBatchEvents``, ``maximumBatchBytes`` and 24 hours.
    public func putLogEvents(group: String, stream: String, events: [LogEvent]) async throws -> PutLogEventsResult {
        struct Input: Encodable { var logGroupName: String; var logStreamName: String; var logEvents: [LogEvent] }
        let sorted = events.enumerated().sorted {
            ($0.element.timestampMillis, $0.offset) < ($1.element.timestampMillis, $1.offset)
        }.map(\.element)
        return try await client.json(
            service: .cloudWatchLogs, target: "PutLogEvents",
            body: Input(logGroupName: group, logStreamName: stream, logEvents: sorted)
        )
    }

    /// One page of a stream's events, oldest first when `startFromHead`.
    public func getLogEvents(
        group: String, stream: String, startFromHead: Bool = true, limit: Int? = nil, nextToken: String? = nil
    ) async throws -> GetLogEventsResult {
        struct Input: Encodable {
            var logGroupName: String, logStreamName: String, startFromHead: Bool, limit: Int?, nextToken: String?
        }
        return try await client.json(
            service: .cloudWatchLogs, target: "GetLogEvents",
            body: Input(logGroupName: group, logStreamName: stream, startFromHead: startFromHead, limit: limit, nextToken: nextToken)
        )
    }

    /// One page of events across a group's streams matching `pattern` (CloudWatch filter syntax).
    public func filterLogEvents(
        group: String, streams: [String]? = nil, pattern: String? = nil, start: Date? = nil, end: Date? = nil,
        limit: Int? = nil, nextToken: String? = nil
    ) async throws -> FilterLogEventsResult {
        struct Input: Encodable {
            var logGroupName: String, logStreamNames: [String]?, filterPattern: String?
            var startTime: Int64?, endTime: Int64?, limit: Int?, nextToken: String?
        }
        func millis(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } }
        return try await client.json(
            service: .cloudWatchLogs, target: "FilterLogEvents",
            body: Input(
                logGroupName: group, logStreamNames: streams, filterPattern: pattern,
                startTime: millis(start), endTime: millis(end), limit: limit, nextToken: nextToken
            )
        )
    }

    private func call(_ target: String, _ body: [String: String]) async throws -> AWSEmptyResponse {
        try await client.json(service: .cloudWatchLogs, target: target, body: body)
    }

    private func ignoringAlreadyExists(_ create: () async throws -> Void) async throws -> Bool {
        do {
            try await create()
            return true
        } catch let error as AWSError where error.code == "ResourceAlreadyExistsException" {
            return false
        }
    }
}
