import Foundation

/// One deadline per job, counted from its acceptance: the webhook has the job's result
/// `deadline` after the job was accepted (`RAG_JOB_DEADLINE_SECONDS`, default 120 s, the promise).
///
/// Queue wait and earlier runs (a job resumed after a restart keeps its stored `accepted_at`)
/// come off it first; the stages get what is left less `deliveryReserve`, which is kept for the
/// first webhook attempt. A job with nothing left for its stages fails at once with
/// `deadline_exceeded`, so its caller hears of it within the promise instead of after it.
///
/// `accepted_at` is the accepting instance's wall clock and this is the running instance's: with
/// several instances their clock skew (milliseconds under NTP) shifts the deadline by as much.
struct JobDeadline: Sendable {
    /// Time since acceptance when the runner looked.
    let elapsed: Duration
    /// In this process's monotonic clock: when the result must be at the webhook.
    let end: ContinuousClock.Instant
    /// When the stages must be done.
    let pipelineDeadline: ContinuousClock.Instant

    init(acceptedAt: Date, deadline: Duration, deliveryReserve: Duration, now: Date = Date(), instant: ContinuousClock.Instant = .now) {
        let elapsed = Duration.milliseconds(Int64(max(0, now.timeIntervalSince(acceptedAt)) * 1000))
        self.elapsed = elapsed
        end = instant + deadline - elapsed
        pipelineDeadline = end - deliveryReserve
    }

    /// The time since acceptance, in whole seconds with one decimal, for messages.
    var elapsedDescription: String {
        let (seconds, attoseconds) = elapsed.components
        return String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18)
    }
}
