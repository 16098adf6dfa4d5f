import Foundation
import RAGPipeline

/// Where a job is in its life.
enum JobState: String, Sendable, Codable, CaseIterable {
    /// Accepted and committed; waiting for a runner.
    case queued
    /// Claimed by a runner (which holds a lease on it).
    case running
    /// The pipeline produced a proposal; the webhook delivery is in the outbox.
    case succeeded
    /// The pipeline failed for good; a failure delivery is in the outbox.
    case failed

    var isFinished: Bool { self == .succeeded || self == .failed }
}

/// Why a job failed, as stored and delivered.
struct JobFailure: Sendable, Equatable, Codable {
    var code: String
    var message: String
    var stage: String?
    var provider: String?
}

/// A job as the store keeps it.
struct JobRecord: Sendable {
    var request: JobRequest
    /// Set when the stored body no longer passes validation (a rule changed after it was
    /// accepted): the runner fails such a job instead of running it.
    var storedRequestProblem: String? = nil
    var state: JobState
    var traceID: String
    var traceparent: String
    var validationMilliseconds: Double
    var acceptedAt: Date
    /// When the latest run started (a job re-run after a crash starts again from scratch).
    var startedAt: Date?
    var finishedAt: Date?
    /// How many times a runner claimed the job (more than one after a crash or a replaced instance).
    var attempts: Int
    var stageTimings: [StageTiming]
    var result: ProposalResult?
    var failure: JobFailure?
    var delivery: DeliveryStatus?
    /// The token of the claim that returned this record (``JobStore/claimNext(owner:lease:)``);
    /// nil for records read without claiming.
    var claim: String? = nil

    var id: String { request.jobID }
}

/// The state of a job's webhook delivery, as `GET /jobs/{id}` shows it.
struct DeliveryStatus: Sendable, Equatable {
    enum State: String, Sendable, Codable, CaseIterable {
        case pending
        case delivered
        case dead
    }

    var state: State
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var nextAttemptAt: Date?
    var deliveredAt: Date?
}
