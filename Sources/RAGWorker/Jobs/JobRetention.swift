import Curl
import Foundation
import Logging
import ServiceLifecycle

/// Deletes finished jobs whose webhook delivery is older than the retention period, so the job
/// store (SQLite on the instance's disk, or Postgres) stays bounded. Runs once shortly after
/// start-up and then every `interval`, in batches that keep each write short.
///
/// A job id posted again after its record was deleted is a new job: the retention period is
/// also the window in which a repeated `job_id` is recognised (docs/api.md).
struct JobRetention: Service {
    let store: any JobStore
    let retention: Duration
    var interval: Duration = .seconds(3600)
    var firstSweepAfter: Duration = .seconds(60)
    var batchSize = 500
    let logger: Logger

    func run() async throws {
        var wait = firstSweepAfter
        while true {
            let delay = wait
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            } catch {
                return
            }
            await sweep()
            wait = interval
        }
    }

    /// Deletes every expired job now; returns how many. A store error ends the sweep, logged;
    /// the next one tries again.
    @discardableResult
    func sweep(now: Date = Date()) async -> Int {
        let cutoff = now.addingTimeInterval(-retention.seconds)
        var purged = 0
        do {
            while !Task.isCancelled {
                let batch = try await store.purgeDelivered(before: cutoff, limit: batchSize)
                purged += batch
                if batch < batchSize { break }
            }
        } catch {
            logger.warning("cannot delete expired jobs; trying again at the next sweep", metadata: ["error": "\(error)"])
        }
        if purged > 0 {
            logger.info("deleted delivered jobs past their retention", metadata: ["jobs": "\(purged)", "retention.days": "\(retention.seconds / 86_400)"])
        }
        return purged
    }
}
