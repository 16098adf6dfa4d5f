import Curl
import Logging
import Synchronization
import Testing
@testable import Telemetry

@Suite("ExportAttempts")
struct ExportAttemptsTests {
    /// Keeps the messages logged at warning and info, to see what an operator would read.
    private final class CapturedLines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }

        var logger: Logger {
            Logger(label: "test") { _ in Handler(lines: self) }
        }

        func append(_ line: String) { lines.withLock { $0.append(line) } }

        struct Handler: LogHandler {
            let lines: CapturedLines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .info
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                lines.append("\(event.level): \(event.message)")
            }
        }
    }

    /// A destination that fails with the scripted errors, in order, then succeeds.
    private final class ScriptedCall: Sendable {
        private let failures: Mutex<[TelemetryExportError]>
        init(_ failures: [TelemetryExportError]) { self.failures = Mutex(failures) }

        func callAsFunction() throws -> String {
            if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
            return "accepted"
        }
    }

    private static func error(_ kind: TelemetryExportError.Kind) -> TelemetryExportError {
        TelemetryExportError(kind: kind, service: "logs", operation: "PutLogEvents", status: 400, message: "scripted")
    }

    private func makeAttempts(
        maxAttempts: Int = 3, lines: CapturedLines, counters: ExporterStatisticsBox = ExporterStatisticsBox()
    ) -> ExportAttempts<ContinuousClock> {
        ExportAttempts(
            name: "Test", items: "events", maxAttempts: maxAttempts,
            backoff: Backoff(base: .milliseconds(1), maximum: .milliseconds(2), jitter: .none), clock: ContinuousClock(),
            logger: lines.logger, counters: counters, health: ExportHealth(name: "Test", keptItems: "records", logger: lines.logger),
            classify: CloudWatchLogsExporter<ContinuousClock>.classify
        )
    }

    @Test("a rejected call is dropped at once, with one warning that names the items")
    func rejectedIsDropped() async {
        let lines = CapturedLines()
        let counters = ExporterStatisticsBox()
        let attempts = makeAttempts(lines: lines, counters: counters)
        let call = ScriptedCall([Self.error(.rejected)])
        let outcome = await attempts.send(count: 7) { try call() }
        guard case .dropped = outcome else { Issue.record("expected dropped, got \(outcome)"); return }
        #expect(counters.current.calls == 1)
        #expect(counters.current.failedCalls == 1)
        #expect(attempts.health.consecutiveFailures == 0)
        #expect(lines.all == ["warning: Test: call rejected, events dropped"])
    }

    @Test("throttled then accepted: retried after backoff, sent with the destination's answer")
    func retriesThenSends() async {
        let lines = CapturedLines()
        let counters = ExporterStatisticsBox()
        let attempts = makeAttempts(lines: lines, counters: counters)
        let call = ScriptedCall([Self.error(.throttled), Self.error(.unavailable)])
        let outcome = await attempts.send(count: 1) { try call() }
        guard case .sent(let answer) = outcome else { Issue.record("expected sent, got \(outcome)"); return }
        #expect(answer == "accepted")
        #expect(counters.current.calls == 3)
        #expect(counters.current.failedCalls == 2)
        #expect(lines.all.isEmpty)
    }

    @Test("unreachable in two flushes, then back: one failing warning, one resumed line")
    func healthLogsOncePerOutage() async {
        let lines = CapturedLines()
        let attempts = makeAttempts(maxAttempts: 2, lines: lines)
        let call = ScriptedCall(Array(repeating: Self.error(.unavailable), count: 4))
        for _ in 0..<2 {
            let outcome = await attempts.send(count: 1) { try call() }
            guard case .unreachable = outcome else { Issue.record("expected unreachable, got \(outcome)"); return }
        }
        #expect(attempts.health.consecutiveFailures == 2)
        let outcome = await attempts.send(count: 1) { try call() }
        guard case .sent = outcome else { Issue.record("expected sent, got \(outcome)"); return }
        #expect(attempts.health.consecutiveFailures == 0)
        #expect(lines.all == ["warning: Test: export failing, records kept in the bounded queue", "info: Test: export resumed"])
    }

    @Test("a failure the caller can mend (a deleted log group) is retried although not retryable")
    func retryAnyway() async {
        let lines = CapturedLines()
        let attempts = makeAttempts(lines: lines)
        let call = ScriptedCall([Self.error(.resourceNotFound)])
        let mended = Atomic<Int>(0)
        let outcome = await attempts.send(count: 1, retryAnyway: { failure in
            guard failure.kind == .resourceNotFound else { return false }
            mended.add(1, ordering: .relaxed)
            return true
        }) { try call() }
        guard case .sent = outcome else { Issue.record("expected sent, got \(outcome)"); return }
        #expect(mended.load(ordering: .relaxed) == 1)
        #expect(lines.all.isEmpty)
    }
}
