import Foundation
import RAGPipeline

/// The durable home of jobs. ``SQLiteJobStore`` serves one instance; ``PostgresJobStore`` lets
/// many instances share work with leases.
///
/// Every method is atomic. A runner holds a job between ``claimNext(owner:lease:)`` and
/// ``finish(_:claim:outcome:payload:now:deliveryLease:)`` or ``release(_:claim:)``. Each claim
/// gets its own token (``JobRecord/claim``), and every later write for the job names it: once a
/// lease expired and another runner (of this process or another) claimed the job again, the
/// first runner's renewals, stage timings, finish and release change nothing. Lease times come
/// from the store's own clock (the database's, for Postgres), never from an instance's.
protocol JobStore: DeliverySLOStore {
    /// Commits a new job, or returns the existing one with the same id.
    ///
    /// - Parameters:
    ///   - maxBacklog: new jobs are refused when this many are queued or running.
    ///   - now: the acceptance time, kept as `accepted_at`: the job's deadline counts from it.
    func accept(_ job: NewJob, maxBacklog: Int, now: Date) async throws -> AcceptOutcome

    /// The job with `id`, with its delivery status.
    func job(id: String) async throws -> JobRecord?

    /// Claims the oldest queued job (or one whose lease expired) with a new claim token for
    /// `owner`, leased for `lease` from the store's clock.
    func claimNext(owner: String, lease: Duration) async throws -> JobRecord?

    /// Extends the lease of `claim` by `lease` from now; `false` when the claim no longer holds.
    func renewLease(_ id: String, claim: String, lease: Duration) async throws -> Bool

    /// Appends a finished stage's timing to the job record, if `claim` still holds. A store may
    /// return before the write commits, provided it commits before the job's `finish`.
    func recordStage(_ id: String, claim: String, timing: StageTiming) async throws

    /// Marks the job finished and puts its webhook payload in the outbox, in one transaction,
    /// if `claim` still holds.
    ///
    /// - Parameters:
    ///   - now: the finish time, kept as `finished_at`.
    ///   - deliveryLease: when set, the outbox row is created already claimed (a new token,
    ///     returned) and leased for this long: this process delivers it at once
    ///     (``OutboxHandOff``) without claiming it, and no deliverer takes it meanwhile.
    func finish(
        _ id: String, claim: String, outcome: JobOutcome, payload: Data, now: Date, deliveryLease: Duration?
    ) async throws -> FinishResult

    /// Gives a claimed job back to the queue (shutdown before it finished); false when `claim`
    /// no longer held it.
    @discardableResult
    func release(_ id: String, claim: String) async throws -> Bool

    /// At start-up: jobs whose runner died are made claimable again. Returns how many.
    func recoverInterrupted() async throws -> Int

    /// Jobs queued or running.
    func backlogDepth() async throws -> Int

    /// Asks the store a trivial question: throws when it cannot answer (``StoreHealthProbe``).
    func ping() async throws

    /// Deletes at most `limit` jobs, with their outbox rows, whose webhook delivery succeeded
    /// before `cutoff`. Jobs not yet delivered and dead letters are kept. Returns how many went.
    func purgeDelivered(before cutoff: Date, limit: Int) async throws -> Int
}

/// What ``JobStore/finish(_:claim:outcome:payload:now:deliveryLease:)`` recorded.
enum FinishResult: Sendable, Equatable {
    /// The claim no longer holds the job: nothing was written.
    case leaseLost
    /// The job is finished and its delivery is in the outbox; `deliveryClaim` is the token of
    /// the delivery's lease when one was asked for and the row was created (nil otherwise).
    case finished(deliveryClaim: String?)
}

extension JobStore {
    /// Finishes the job and leaves its delivery to be claimed by the outbox.
    /// - Returns: `false` when `claim` no longer holds the job (nothing is written).
    func finish(_ id: String, claim: String, outcome: JobOutcome, payload: Data, now: Date) async throws -> Bool {
        try await finish(id, claim: claim, outcome: outcome, payload: payload, now: now, deliveryLease: nil) != .leaseLost
    }
}

/// Claim tokens: `<owner>/<random>`, one per claim of a job or a delivery, so two claims of the
/// same process never pass for each other. The owner part names the process in the store.
enum ClaimToken {
    static func make(owner: String) -> String {
        "\(owner)/\(W3CTraceparent.randomHex(bytes: 6))"
    }

    /// The owner part of a claim token: the process that holds it.
    static func owner(of claim: String) -> String {
        claim.lastIndex(of: "/").map { String(claim[..<$0]) } ?? claim
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
