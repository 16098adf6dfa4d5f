import Foundation
import RAGPipeline

/// The durable home of jobs. ``SQLiteJobStore`` serves one instance; ``PostgresJobStore`` lets
/// many instances share work with leases.
///
/// Every method is atomic. A runner owns a job between ``claimNext(owner:lease:now:)`` and
/// ``finish(_:owner:outcome:payload:now:)`` or ``release(_:owner:)``; a lease that expires
/// (its instance died) lets another runner claim it again.
protocol JobStore: Sendable {
    /// Commits a new job, or returns the existing one with the same id.
    ///
    /// - Parameter maxBacklog: new jobs are refused when this many are queued or running.
    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome

    /// The job with `id`, with its delivery status.
    func job(id: String) async throws -> JobRecord?

    /// Claims the oldest queued job (or one whose lease expired) for `owner`.
    func claimNext(owner: String, lease: Duration, now: Date) async throws -> JobRecord?

    /// Extends `owner`'s lease; `false` when the job is no longer theirs.
    func renewLease(_ id: String, owner: String, lease: Duration, now: Date) async throws -> Bool

    /// Appends a finished stage's timing to the job record. A store may return before the write
    /// commits, provided it commits before the job's `finish`.
    func recordStage(_ id: String, timing: StageTiming) async throws

    /// Marks the job finished and puts its webhook payload in the outbox, in one transaction.
    ///
    /// With `deliveryLeaseUntil`, the outbox row is created already leased to `owner` until
    /// then: this process delivers it at once (``OutboxHandOff``) without claiming it, and no
    /// other deliverer takes it before the lease expires.
    func finish(
        _ id: String, owner: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLeaseUntil: Date?
    ) async throws -> FinishResult

    /// Gives a claimed job back to the queue (shutdown before it finished).
    func release(_ id: String, owner: String) async throws

    /// At start-up: jobs whose runner died are made claimable again. Returns how many.
    func recoverInterrupted(now: Date) async throws -> Int

    /// Jobs queued or running.
    func backlogDepth() async throws -> Int

    /// Asks the store a trivial question: throws when it cannot answer (``StoreHealthProbe``).
    func ping() async throws

    /// Deletes at most `limit` jobs, with their outbox rows, whose webhook delivery succeeded
    /// before `cutoff`. Jobs not yet delivered and dead letters are kept. Returns how many went.
    func purgeDelivered(before cutoff: Date, limit: Int) async throws -> Int
}

/// What ``JobStore/finish(_:owner:outcome:payload:now:deliveryLeaseUntil:)`` recorded.
enum FinishResult: Sendable, Equatable {
    /// `owner` no longer holds the job: nothing was written.
    case leaseLost
    /// The job is finished and its delivery is in the outbox; `deliveryLeased` tells whether
    /// the row was created leased to the caller (false when no lease was asked for).
    case finished(deliveryLeased: Bool)
}

extension JobStore {
    /// Finishes the job and leaves its delivery to be claimed by the outbox.
    /// - Returns: `false` when `owner` no longer holds the job (nothing is written).
    func finish(_ id: String, owner: String, outcome: JobOutcome, payload: Data, now: Date) async throws -> Bool {
        try await finish(id, owner: owner, outcome: outcome, payload: payload, now: now, deliveryLeaseUntil: nil) != .leaseLost
    }
}

/// A validated job about to be accepted, with its trace.
struct NewJob: Sendable {
    var request: JobRequest
    /// The body as posted; the store keeps these bytes and validates them again when it loads
    /// the job, so the accept path never re-encodes the request.
    var body: Data
    var traceID: String
    /// W3C `traceparent` of the intake span, so the job's spans continue the same trace.
    var traceparent: String
    /// Time spent parsing and validating the request.
    var validationMilliseconds: Double
}

/// The result of ``JobStore/accept(_:maxBacklog:now:)``.
enum AcceptOutcome: Sendable {
    case accepted(JobRecord)
    case existing(JobRecord)
    case backlogFull(depth: Int)
}

/// How a pipeline run ended, for ``JobStore/finish(_:owner:outcome:payload:now:)``.
enum JobOutcome: Sendable {
    case succeeded(ProposalResult)
    case failed(JobFailure)
}
