import Curl
import Foundation
import Logging
import ServiceLifecycle
import Telemetry

/// Counts jobs for the delivery SLO: right after a job becomes final (the runner's finish of a
/// failed job, the deliverer's 2xx or dead letter), and in a sweep for jobs past the limit. The
/// store decides (``DeliverySLOStore``); this type records what it decided in the metrics.
///
/// A count that fails (the store is briefly unreachable) is not retried here: the sweep counts the
/// job when its limit passes, with the verdict its state gives then.
struct DeliverySLOCounter: Sendable {
    let store: any DeliverySLOStore
    /// The delivery SLO's limit (`rag-worker/good-within-seconds` in the SLO file).
    let limit: Duration
    let metrics: SLOMetrics
    let logger: Logger

    /// Jobs judged per sweep transaction.
    static let sweepBatch = 200

    /// Counts `jobID` if it is final and nobody counted it yet.
    func countIfFinal(_ jobID: String) async {
        do {
            if let counted = try await store.countDelivery(jobID, limit: limit) {
                metrics.record([counted])
            }
        } catch {
            logger.warning("slo: cannot count a finished job now; the sweep counts it", metadata: [
                LogKeys.jobID: "\(jobID)", "error": "\(error)",
            ])
        }
    }

    /// Counts every job past the limit that nobody counted yet; returns how many.
    @discardableResult
    func sweep() async throws -> Int {
        var total = 0
        while true {
            let counted = try await store.countOverdueDeliveries(limit: limit, maximum: Self.sweepBatch)
            metrics.record(counted)
            total += counted.count
            if counted.count < Self.sweepBatch { return total }
        }
    }
}

/// Runs the delivery SLO's sweep on every instance: each pass counts the jobs accepted more than
/// the limit ago that are still uncounted (undelivered ones as bad), so an outage spends budget
/// while it lasts. Instances share the work through the store's row locks.
struct DeliverySLOSweep: Service {
    let counter: DeliverySLOCounter
    let logger: Logger

    /// One pass every 5 s, or every tenth of the limit when that is shorter (at least 200 ms):
    /// a job is counted at most that long after its limit passed.
    var interval: Duration {
        max(.milliseconds(200), min(.seconds(5), counter.limit / 10))
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await counter.sweep()
                } catch is CancellationError {
                    return
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("slo: sweep failed; next pass tries again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Runs `body` until it returns or graceful shutdown begins, whichever comes first.
private func cancelWhenGracefulShutdown(_ body: @escaping @Sendable () async -> Void) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await body() }
        group.addTask { try? await gracefulShutdown() }
        await group.next()
        group.cancelAll()
    }
}
