import Curl
import Foundation

/// The job store's half of the delivery SLO's exactly-once counting.
///
/// Each job carries a "counted" mark (`slo_counted_at`, with its verdict and cause). Counting a job
/// is one transaction that reads the job and its delivery, judges it (``DeliveryJudgement``) and
/// sets the mark only where none is set: whichever instance, runner, deliverer or sweep gets there
/// first counts the job, and every later attempt (a retry, a redelivered dead letter, a second
/// instance after a lease takeover, a restarted process) finds the mark and counts nothing.
protocol DeliverySLOStore: Sendable {
    /// Counts the job when it is final (failed, or its delivery succeeded or was dead-lettered)
    /// and not counted yet; nil otherwise.
    ///
    /// - Parameter limit: the delivery SLO's limit, from acceptance to the webhook's 2xx.
    func countDelivery(_ jobID: String, limit: Duration) async throws -> CountedDelivery?

    /// Counts up to `maximum` jobs not counted yet that were accepted more than `limit` ago by the
    /// store's clock (the database's, for Postgres), final or not: an outage shows while it lasts.
    func countOverdueDeliveries(limit: Duration, maximum: Int) async throws -> [CountedDelivery]

    /// The verdict recorded for a job, if it was counted (tests, `GET /jobs/{id}` later).
    func deliveryVerdict(_ jobID: String) async throws -> DeliveryVerdict?
}

/// What the delivery SLO needs to know about a job to judge it.
struct DeliveryFacts: Sendable, Equatable {
    var jobID: String
    var traceID: String
    var acceptedAt: Date
    var state: JobState
    /// The failure's code, for a failed job.
    var failureCode: String?
    var deliveryState: DeliveryStatus.State?
    var deliveredAt: Date?
}

/// How the delivery SLO judged a job.
struct DeliveryVerdict: Sendable, Equatable {
    enum Outcome: String, Sendable, Equatable {
        /// Counted in good and total.
        case good
        /// Counted in total only: the job spent error budget.
        case bad
        /// Counted in neither: the job failed because of its own content.
        case excluded
    }

    var outcome: Outcome
    /// Why a job was bad or excluded: `late`, `undelivered`, `dead_letter`, or the failure's code.
    var cause: String?
}

/// A job the store just marked counted, with its verdict: the caller records it in the metrics.
struct CountedDelivery: Sendable, Equatable {
    var facts: DeliveryFacts
    var verdict: DeliveryVerdict
}

/// The delivery SLO's rule, in one place for both stores (docs/observability.md#slo-counting).
enum DeliveryJudgement {
    /// Failure codes that mean the job's own content failed it: counted in neither good nor total.
    /// `unsafe_output`: the output guard blocked the draft (it carried a configured secret, which
    /// the posting's content made the model write); the worker did what it must, promptly, and a
    /// stream of hostile postings must not be able to page on-call. `GuardBlocks` counts them.
    static let contentFailureCodes: Set<String> = ["unsafe_output"]

    /// The verdict for `facts`, or nil when the job is neither final nor `overdue`.
    ///
    /// - failed: excluded for a content failure, else bad with the failure's code;
    /// - succeeded and delivered: good when the 2xx came within `limit` of acceptance, else bad (`late`);
    /// - dead-lettered: bad (`dead_letter`);
    /// - anything else once `overdue`: bad (`undelivered`).
    static func verdict(_ facts: DeliveryFacts, limit: Duration, overdue: Bool) -> DeliveryVerdict? {
        if facts.state == .failed {
            let code = facts.failureCode ?? "internal_error"
            return DeliveryVerdict(outcome: contentFailureCodes.contains(code) ? .excluded : .bad, cause: code)
        }
        switch facts.deliveryState {
        case .delivered?:
            guard let deliveredAt = facts.deliveredAt else { return DeliveryVerdict(outcome: .bad, cause: "late") }
            let onTime = deliveredAt.timeIntervalSince(facts.acceptedAt) <= limit.seconds
            if facts.state == .succeeded, onTime { return DeliveryVerdict(outcome: .good, cause: nil) }
            return DeliveryVerdict(outcome: .bad, cause: onTime ? "undelivered" : "late")
        case .dead?:
            return DeliveryVerdict(outcome: .bad, cause: "dead_letter")
        case .pending?, nil:
            return overdue ? DeliveryVerdict(outcome: .bad, cause: "undelivered") : nil
        }
    }
}
