import Foundation
import RAGPipeline

/// Webhook deliveries waiting, delivered or dead-lettered. One row per job id, so a job is
/// delivered effectively once: every attempt carries the job id as its idempotency key.
protocol OutboxStore: Sendable {
    /// Leases up to `limit` deliveries that are due, so no other deliverer sends them meanwhile.
    func claimDue(owner: String, lease: Duration, limit: Int, now: Date) async throws -> [OutboxMessage]

    /// Records a 2xx answer. Only then is the delivery done.
    func markDelivered(_ jobID: String, attempts: Int, status: Int, now: Date) async throws

    /// Records a failed attempt and when to try again.
    func scheduleRetry(_ jobID: String, attempts: Int, status: Int?, error: String, at: Date) async throws

    /// Gives up on a delivery; it stays in the store as a dead letter.
    func deadLetter(_ jobID: String, attempts: Int, status: Int?, error: String, now: Date) async throws

    /// Dead letters, oldest first.
    func deadLetters(limit: Int) async throws -> [OutboxMessage]

    /// Makes dead letters (all, or those in `jobIDs`) due again with a fresh attempt count.
    func requeueDeadLetters(jobIDs: [String]?, now: Date) async throws -> Int

    /// The earliest time a pending delivery becomes due, if any is pending.
    func nextDueDate() async throws -> Date?
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
}
