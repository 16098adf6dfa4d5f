import Foundation
import RAGPipeline

/// `GET /jobs/{id}`: a job's state, timings, delivery and, once finished, its result or error.
struct JobView: Encodable, Sendable {
    struct Delivery: Encodable, Sendable {
        var status: String
        var attempts: Int
        var lastStatus: Int?
        var lastError: String?
        var nextAttemptAt: Date?
        var deliveredAt: Date?

        enum CodingKeys: String, CodingKey {
            case status, attempts
            case lastStatus = "last_status"
            case lastError = "last_error"
            case nextAttemptAt = "next_attempt_at"
            case deliveredAt = "delivered_at"
        }
    }

    var jobID: String
    var status: String
    var traceID: String
    var acceptedAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var attempts: Int
    var stages: [StageTiming]
    var result: ProposalResult?
    var error: JobFailure?
    var delivery: Delivery?

    enum CodingKeys: String, CodingKey {
        case status, attempts, stages, result, error, delivery
        case jobID = "job_id"
        case traceID = "trace_id"
        case acceptedAt = "accepted_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(_ job: JobRecord) {
        jobID = job.id
        status = job.state.rawValue
        traceID = job.traceID
        acceptedAt = job.acceptedAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        attempts = job.attempts
        stages = job.stageTimings
        result = job.result
        error = job.failure
        delivery = job.delivery.map {
            Delivery(
                status: $0.state.rawValue, attempts: $0.attempts, lastStatus: $0.lastStatus,
                lastError: $0.lastError, nextAttemptAt: $0.nextAttemptAt, deliveredAt: $0.deliveredAt
            )
        }
    }
}

/// The answer to `POST /invocations`.
struct AcceptView: Encodable, Sendable {
    var jobID: String
    var status: String
    var traceID: String

    enum CodingKeys: String, CodingKey {
        case status
        case jobID = "job_id"
        case traceID = "trace_id"
    }
}
