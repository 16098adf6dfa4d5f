import Synchronization
@testable import Telemetry

/// A CloudWatch Logs destination in memory: records every call and fails the ones a test scripts.
/// Exporter logic (batching, retries, re-queueing) is tested against it; the wire format against
/// loopback servers and moto through the AWS adapters.
final class ScriptedLogEventsSink: LogEventsSink {
    enum Call: Equatable {
        case createGroup(String)
        case createStream(String, String)
        case put(group: String, stream: String, events: [CloudWatchLogEvent])
    }

    private struct State {
        var calls: [Call] = []
        var failures: [TelemetryExportError] = []
        var groupExists = false
        var streamExists = false
        var putWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var delivered: [CloudWatchLogEvent] = []
    }

    private let state = Mutex(State())

    /// The next `put` calls fail with these errors, in order.
    func failNextPuts(_ errors: [TelemetryExportError]) {
        state.withLock { $0.failures.append(contentsOf: errors) }
    }

    /// Forgets the group and stream, as if someone deleted them.
    func deleteDestination() {
        state.withLock { $0.groupExists = false; $0.streamExists = false }
    }

    var calls: [Call] { state.withLock { $0.calls } }

    var putBatches: [[CloudWatchLogEvent]] {
        calls.compactMap { if case .put(_, _, let events) = $0 { events } else { nil } }
    }

    /// Successful puts' events, in order.
    var deliveredEvents: [CloudWatchLogEvent] { state.withLock { $0.delivered } }

    func createLogGroup(name: String) async throws {
        try state.withLock { state in
            state.calls.append(.createGroup(name))
            if state.groupExists { throw TelemetryExportError(kind: .resourceAlreadyExists, service: "logs", operation: "CreateLogGroup", message: "exists") }
            state.groupExists = true
        }
    }

    func createLogStream(group: String, stream: String) async throws {
        try state.withLock { state in
            state.calls.append(.createStream(group, stream))
            if state.streamExists { throw TelemetryExportError(kind: .resourceAlreadyExists, service: "logs", operation: "CreateLogStream", message: "exists") }
            state.streamExists = true
        }
    }

    func putLogEvents(group: String, stream: String, events: [CloudWatchLogEvent]) async throws -> PutLogEventsRejections {
        let (result, watchers) = state.withLock { state -> (Result<PutLogEventsRejections, TelemetryExportError>, [CheckedContinuation<Void, Never>]) in
            state.calls.append(.put(group: group, stream: stream, events: events))
            let result: Result<PutLogEventsRejections, TelemetryExportError>
            if !state.streamExists {
                result = .failure(TelemetryExportError(kind: .resourceNotFound, service: "logs", operation: "PutLogEvents", message: "no stream"))
            } else if !state.failures.isEmpty {
                result = .failure(state.failures.removeFirst())
            } else {
                state.delivered.append(contentsOf: events)
                result = .success(PutLogEventsRejections())
            }
            let puts = state.calls.filter { if case .put = $0 { true } else { false } }.count
            let ready = state.putWatchers.filter { $0.count <= puts }.map(\.continuation)
            state.putWatchers.removeAll { $0.count <= puts }
            return (result, ready)
        }
        for watcher in watchers { watcher.resume() }
        return try result.get()
    }

    /// Returns once `count` puts were attempted.
    func waitForPuts(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                let puts = state.calls.filter { if case .put = $0 { true } else { false } }.count
                if puts >= count { return true }
                state.putWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A PutMetricData destination in memory.
final class ScriptedMetricDataSink: MetricDataSink {
    private struct State {
        var requests: [(namespace: String, datums: [CloudWatchDatum])] = []
        var failures: [TelemetryExportError] = []
        var attempts = 0
    }

    private let state = Mutex(State())

    func failNext(_ errors: [TelemetryExportError]) {
        state.withLock { $0.failures.append(contentsOf: errors) }
    }

    var requests: [(namespace: String, datums: [CloudWatchDatum])] { state.withLock { $0.requests } }
    var attempts: Int { state.withLock { $0.attempts } }

    func putMetricData(namespace: String, datums: [CloudWatchDatum]) async throws {
        try state.withLock { state in
            state.attempts += 1
            if !state.failures.isEmpty { throw state.failures.removeFirst() }
            state.requests.append((namespace, datums))
        }
    }
}
