import Foundation
import RAGPipeline

/// Webhook deliveries waiting, delivered or dead-lettered. One row per job id, so a job is
/// delivered effectively once: every attempt carries the job id as its idempotency key.
///
/// A deliverer holds a delivery by a claim token (``OutboxMessage/claim``) under a lease timed by
/// the store's clock; every write about an attempt names the token and changes nothing once
/// another deliverer claimed the delivery after the lease expired.
protocol OutboxStore: Sendable {
    /// Claims up to `limit` deliveries that are due, each with a new token for `owner`, leased
    /// for `lease`, so no other deliverer sends them meanwhile.
    func claimDue(owner: String, lease: Duration, limit: Int) async throws -> [OutboxMessage]

    /// Extends the lease of `claim` to `lease` from now (an attempt is about to start); false
    /// when the claim no longer holds (the attempt must not start).
    func extendDeliveryLease(_ jobID: String, claim: String, lease: Duration) async throws -> Bool

    /// Records a 2xx answer. Only then is the delivery done. False when `claim` no longer held it.
    @discardableResult
    func markDelivered(_ jobID: String, claim: String, attempts: Int, status: Int, now: Date) async throws -> Bool

    /// Records a failed attempt; the delivery is due again after `delay` (store's clock).
    @discardableResult
    func scheduleRetry(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, after delay: Duration) async throws -> Bool

    /// Gives up on a delivery; it stays in the store as a dead letter.
    @discardableResult
    func deadLetter(_ jobID: String, claim: String, attempts: Int, status: Int?, error: String, now: Date) async throws -> Bool

    /// Gives a claimed delivery back without counting an attempt (the attempt was cut short by
    /// shutdown): it is due again at once, for any deliverer.
    @discardableResult
    func releaseDelivery(_ jobID: String, claim: String) async throws -> Bool

    /// Dead letters, oldest first.
    func deadLetters(limit: Int) async throws -> [OutboxMessage]

    /// Makes dead letters (all, or those in `jobIDs`) due again at once with a fresh attempt count.
    func requeueDeadLetters(jobIDs: [String]?) async throws -> Int

    /// How long until the earliest pending delivery becomes due (zero when one is due now), by
    /// the store's clock; nil when none is pending.
    func nextDueIn() async throws -> Duration?
}

/// A delivery as the outbox keeps it: the exact bytes to send, fixed when the job finished.
struct OutboxMessage: Sendable, Equatable {
    var jobID: String
    var traceID: String
    var payload: Data
    /// Attempts made so far.
    var attempts: Int
    var state: DeliveryStatus.State
    var lastStatus: Int?
    var lastError: String?
    var createdAt: Date
    /// When the job was accepted: `JobLatency` runs from it to the 2xx.
    var acceptedAt: Date?
    /// The job's `traceparent` (its `rag.validate` span), whose child each delivery's span is;
    /// handed to a ``WebhookSender``, the delivery span's own, sent as the `traceparent` header.
    var traceparent: String? = nil
    /// The token of this process's claim on the delivery (nil for dead letters listed).
    var claim: String? = nil
    /// In this process's monotonic clock, a time by which the claim's lease has certainly not
    /// ended yet (taken before the store set it); nil when unknown.
    var leaseEnds: ContinuousClock.Instant? = nil
}
