import AWS
import Foundation
import Testing
import TestSupport

@Suite("CloudWatchLogsClient against moto")
struct CloudWatchLogsClientTests {
    @Test("ensureLogGroup and ensureLogStream create once, then report that they exist")
    func ensure() async throws {
        let logs = CloudWatchLogsClient(client: try await MotoServer.shared().client())
        let group = "/rag-worker/test-\(UUID().uuidString)"
        #expect(try await logs.ensureLogGroup(group) == true)
        #expect(try await logs.ensureLogGroup(group) == false)
        #expect(try await logs.ensureLogStream(group: group, stream: "variant/instance") == true)
        #expect(try await logs.ensureLogStream(group: group, stream: "variant/instance") == false)
        try await logs.putRetentionPolicy(group: group, days: 7)
        let missing = await #expect(throws: AWSError.self) {
            try await logs.createLogStream(group: group + "-absent", stream: "s")
        }
        #expect(missing?.code == "ResourceNotFoundException")
        #expect(missing?.isNotFound == true)
    }

    @Test("putLogEvents sorts the batch, stores it, and reports too old and too new events")
    func putAndRead() async throws {
        let logs = CloudWatchLogsClient(client: try await MotoServer.shared().client())
        let group = "/rag-worker/events-\(UUID().uuidString)"
        try await logs.ensureLogGroup(group)
        try await logs.ensureLogStream(group: group, stream: "s")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let events = [
            LogEvent(timestampMillis: now + 5, message: #"{"event":"second","job.id":"j-1"}"#),
            LogEvent(timestampMillis: now, message: "hello first"),
            LogEvent(timestampMillis: 1000, message: "ancient"),
            LogEvent(timestampMillis: now + 3 * 3_600_000, message: "from the future"),
        ]
        let result = try await logs.putLogEvents(group: group, stream: "s", events: events)
        #expect(result.rejectedLogEventsInfo?.tooOldLogEventEndIndex == 0)
        #expect(result.rejectedLogEventsInfo?.tooNewLogEventStartIndex == 3)
        #expect(result.rejectedCount(of: events.count) == 2)

        let page = try await logs.getLogEvents(group: group, stream: "s")
        #expect(page.events.map(\.message) == ["hello first", #"{"event":"second","job.id":"j-1"}"#])
        #expect(page.events.map(\.timestamp) == [now, now + 5])

        let filtered = try await logs.filterLogEvents(group: group, pattern: "hello")
        #expect(filtered.events.map(\.message) == ["hello first"])
        #expect(filtered.events.first?.logStreamName == "s")
    }
}
