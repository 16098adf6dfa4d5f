import Curl
import Logging
import Testing
@testable import Telemetry

/// A CloudWatch Logs that never answers a put (a flush stuck on a slow network).
private struct StalledLogEventsSink: LogEventsSink {
    func createLogGroup(name: String) async throws {}
    func createLogStream(group: String, stream: String) async throws {}
    func putLogEvents(group: String, stream: String, events: [CloudWatchLogEvent]) async throws -> PutLogEventsRejections {
        try await Task.sleep(for: .seconds(120))
        return PutLogEventsRejections()
    }
}

@Suite("Final flushes keep to the process's shutdown deadline")
struct ShutdownDeadlineTests {
    @Test("a final flush stuck on its destination ends at the process's shutdown deadline, not at its own longer limit")
    func finalFlushCutToTheDeadline() async throws {
        // The worker's drain budget ends 1 s from now; the exporter's own limit would allow 20 s.
        let deadline = ContinuousClock.now + .seconds(1)
        let exporter = CloudWatchLogsExporter(
            configuration: .init(logGroup: "/rag-worker/test", logStream: "host/1", flushInterval: .seconds(60), queueCapacity: 100,
                                 shutdownTimeout: .seconds(20), shutdownDeadline: ShutdownDeadline { deadline }),
            sink: StalledLogEventsSink(), emf: nil, clock: ContinuousClock(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onDrop: { _ in })
        exporter.submit(.log(LogRecord(timestampNanoseconds: DefaultClockNow.nanoseconds, level: .info, label: "rag", message: "last words")))
        let started = ContinuousClock.now
        try await whileRunning([exporter]) {}
        let took = ContinuousClock.now - started
        // Ten seconds of room for a loaded machine; cut only by its own limit it would take 20 s.
        #expect(took < .seconds(11), "the final flush took \(took)")
        #expect(exporter.statistics.dropped == 1, "what could not be sent is counted")
    }

    @Test("without a process deadline, a final flush keeps its own limit")
    func noDeadline() {
        #expect(ShutdownDeadline.none.cut(.seconds(3)) == .seconds(3))
        #expect(ShutdownDeadline { ContinuousClock.now - .seconds(1) }.cut(.seconds(3)) == .zero)
    }
}
