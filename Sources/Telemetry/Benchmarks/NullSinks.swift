import Synchronization

/// A Logs destination that accepts everything and only counts, for benchmarks.
final class NullLogEventsSink: LogEventsSink {
    private let count = Atomic<Int>(0)

    var events: Int { count.load(ordering: .relaxed) }

    func createLogGroup(name: String) async throws {}
    func createLogStream(group: String, stream: String) async throws {}

    func putLogEvents(group: String, stream: String, events: [CloudWatchLogEvent]) async throws -> PutLogEventsRejections {
        count.add(events.count, ordering: .relaxed)
        return PutLogEventsRejections()
    }
}

/// A PutMetricData destination that accepts everything and only counts, for benchmarks.
final class NullMetricDataSink: MetricDataSink {
    private let count = Atomic<Int>(0)

    var datums: Int { count.load(ordering: .relaxed) }

    func putMetricData(namespace: String, datums: [CloudWatchDatum]) async throws {
        count.add(datums.count, ordering: .relaxed)
    }
}
