import Curl
import Logging
import Synchronization

/// How one call to a telemetry destination ended after its attempts.
enum ExportCallOutcome<Value> {
    /// The destination took the call; `Value` is what it answered.
    case sent(Value)
    /// The destination refused the call for good (rejected, denied): its items are dropped.
    case dropped
    /// Every attempt failed with a retryable error: the caller keeps the items for later.
    case unreachable
}

/// Whether an exporter's destination is failing, shared by its calls and its ``ExportLoop``.
///
/// Logs one warning when export starts failing and one line when it resumes, whatever the
/// number of failed calls in between, so an outage does not flood the log it cannot ship.
final class ExportHealth: Sendable {
    private let name: String
    private let keptItems: String
    private let logger: Logger
    private let failures = Atomic<Int>(0)
    private let lastRetryAfter = Mutex<Duration?>(nil)

    /// - Parameters:
    ///   - name: names the exporter in its log lines, e.g. `CloudWatch Logs`.
    ///   - keptItems: what waits in the queue during an outage, e.g. `records`.
    init(name: String, keptItems: String, logger: Logger) {
        self.name = name
        self.keptItems = keptItems
        self.logger = logger
    }

    /// Calls given up on in a row; 0 after a success.
    var consecutiveFailures: Int { failures.load(ordering: .relaxed) }

    /// The wait the destination asked for (`Retry-After`) in its last failed answer; nil after a success.
    var retryAfter: Duration? { lastRetryAfter.withLock { $0 } }

    func recordSuccess() {
        lastRetryAfter.withLock { $0 = nil }
        if failures.exchange(0, ordering: .relaxed) > 0 {
            logger.info("\(name): export resumed")
        }
    }

    func recordFailure(_ failure: TelemetryExportError) {
        lastRetryAfter.withLock { $0 = failure.retryAfter }
        if failures.add(1, ordering: .relaxed).newValue == 1 {
            logger.warning("\(name): export failing, \(keptItems) kept in the bounded queue", metadata: ["error": "\(failure)"])
        }
    }
}

/// The retry policy every exporter applies to one destination call: up to `maxAttempts`
/// attempts with backoff between them (at least what a `Retry-After` asked for, at most
/// ``retryAfterCeiling``), throttling and unavailability retried, anything else dropped with a warning. Counts calls and failed calls in the exporter's
/// statistics and reports the outcome to its ``ExportHealth``.
struct ExportAttempts<C: Clock>: Sendable where C.Duration == Duration {
    var name: String
    /// What one call carries, for the drop warning, e.g. `events`.
    var items: String
    var maxAttempts: Int
    var backoff: Backoff
    var clock: C
    var logger: Logger
    var counters: ExporterStatisticsBox
    var health: ExportHealth
    /// Turns a sink's error into a classified one; the sinks already throw classified errors.
    var classify: @Sendable (any Error) -> TelemetryExportError

    /// Makes `call` until it succeeds, fails for good, or its attempts run out.
    ///
    /// - Parameters:
    ///   - count: items in the call, for the drop warning.
    ///   - retryAnyway: sees every failure first; true retries it even when it is not retryable
    ///     (the logs exporter re-creates a deleted log group this way).
    func send<Value>(
        count: Int,
        retryAnyway: (TelemetryExportError) -> Bool = { _ in false },
        _ call: () async throws -> Value
    ) async -> ExportCallOutcome<Value> {
        var attempt = 0
        while true {
            attempt += 1
            counters.update { $0.calls += 1 }
            let failure: TelemetryExportError
            do {
                let value = try await call()
                health.recordSuccess()
                return .sent(value)
            } catch {
                failure = classify(error)
            }
            counters.update { $0.failedCalls += 1 }
            if !retryAnyway(failure) && !failure.isRetryable {
                logger.warning("\(name): call rejected, \(items) dropped", metadata: ["error": "\(failure)", items: "\(count)"])
                return .dropped
            }
            if attempt >= maxAttempts {
                health.recordFailure(failure)
                return .unreachable
            }
            do {
                try await clock.sleep(for: Self.delay(backoff, beforeRetry: attempt, retryAfter: failure.retryAfter), tolerance: nil)
            } catch {
                health.recordFailure(failure)
                return .unreachable
            }
        }
    }

    /// The longest wait a `Retry-After` can impose on an exporter: a destination (or something
    /// pretending to be one) cannot stall export for longer.
    static var retryAfterCeiling: Duration { .seconds(60) }

    /// The backoff's delay before retry `retry`, or longer when the destination asked for it.
    static func delay(_ backoff: Backoff, beforeRetry retry: Int, retryAfter: Duration?) -> Duration {
        backoff.delay(beforeRetry: retry, retryAfter: retryAfter, ceiling: max(backoff.maximum, retryAfterCeiling))
    }
}
