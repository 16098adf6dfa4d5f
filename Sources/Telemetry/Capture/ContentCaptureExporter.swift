import Curl
import Logging
import ServiceLifecycle

/// Stores captured documents from a bounded queue, off the job's path: a job hands its document
/// over and goes on (``submit(_:)`` never waits), so capture can neither block nor fail a job.
///
/// A destination that cannot be reached keeps documents queued (the oldest dropped beyond the
/// queue's capacity and counted in `TelemetryDropped`) and is tried again after a backoff; one it
/// refuses (access denied, a missing bucket) loses that document. Every failed call is counted
/// (`TelemetryExportFailures` with `Provider` = the destination's name, S3 only), and the log gets
/// one warning when storing starts failing and one line when it works again, however many
/// documents fail in between: one line per outage.
final class ContentCaptureExporter: Service, Sendable {
    let destination: any ContentCaptureDestination
    let core: ExporterCore<ContinuousClock, CapturedContent>

    init(destination: any ContentCaptureDestination, queueCapacity: Int = 256, shutdownTimeout: Duration,
         shutdownDeadline: ShutdownDeadline, logger: Logger, onDrop: @escaping @Sendable (Int) -> Void) {
        self.destination = destination
        core = ExporterCore(.init(
            name: "content capture (\(destination.name))", keptItems: "captures", callItems: "captures",
            queueCapacity: queueCapacity, flushInterval: .seconds(5), threshold: 1, maxAttempts: 1,
            backoff: Backoff(base: .seconds(1), maximum: .seconds(60)), shutdownTimeout: shutdownTimeout,
            shutdownDeadline: shutdownDeadline
        ), clock: ContinuousClock(), logger: logger, onDrop: onDrop, classify: Self.classify)
    }

    /// Queues one job's document; returns at once.
    func submit(_ document: CapturedContent) {
        core.queue.push(document)
    }

    func run() async throws {
        await core.run { await self.forceFlush() }
    }

    func shutdown() {
        core.shutdown()
    }

    /// Stores what is queued now.
    func forceFlush() async {
        await core.serially { await self.flushQueued() }
    }

    var statistics: ExporterStatistics { core.statistics }

    /// Stores queued documents one by one; false when the destination is unreachable (what is
    /// left goes back to the front of the queue).
    func flushQueued() async -> Bool {
        var documents = core.queue.drain()
        while !documents.isEmpty {
            let document = documents.removeFirst()
            core.counters.update { $0.calls += 1 }
            let failure: TelemetryExportError
            do {
                let encoded = try document.encoded()
                try await destination.store(document, encoded: encoded)
                core.counters.update { $0.itemsSent += 1 }
                core.health.recordSuccess()
                continue
            } catch {
                failure = Self.classify(error)
            }
            core.counters.update { $0.failedCalls += 1 }
            core.health.recordFailure(failure)
            if failure.isRetryable {
                core.queue.requeueAtFront([document] + documents)
                return false
            }
            core.onDrop(1)
        }
        return true
    }

    static func classify(_ error: any Error) -> TelemetryExportError {
        if let error = error as? TelemetryExportError { return error }
        return TelemetryExportError(kind: .rejected, service: "content-capture", operation: "Store", message: "\(error)")
    }
}
