import Foundation
import RAGPipeline
import SQLite

extension SQLiteJobStore {
    /// A job with its delivery status; callers append the `WHERE` clause.
    static let selectJob = """
        SELECT j.id, j.state, j.request, j.trace_id, j.traceparent, j.validation_ms, j.accepted_at, j.started_at, j.finished_at,
            j.attempts, j.stage_timings, j.result, j.failure,
            o.state AS delivery_state, o.attempts AS delivery_attempts, o.last_status AS delivery_status,
            o.last_error AS delivery_error, o.next_attempt_at AS delivery_next, o.delivered_at AS delivery_at
        FROM jobs j LEFT JOIN outbox o ON o.job_id = j.id
        """

    static func record(from row: SQLiteRow) throws -> JobRecord {
        let decoder = JSONDecoder()
        let id = row.string("id") ?? ""
        let stored = StoredRequest(id: id, body: row.data("request") ?? Data())
        let delivery = row.string("delivery_state").flatMap(DeliveryStatus.State.init(rawValue:)).map { state in
            DeliveryStatus(
                state: state,
                attempts: row.int("delivery_attempts") ?? 0,
                lastStatus: row.int("delivery_status"),
                lastError: row.string("delivery_error"),
                nextAttemptAt: state == .pending ? row.int("delivery_next").map { Date(unixMilliseconds: Int64($0)) } : nil,
                deliveredAt: row.int("delivery_at").map { Date(unixMilliseconds: Int64($0)) }
            )
        }
        return JobRecord(
            request: stored.request,
            storedRequestProblem: stored.problem,
            state: JobState(rawValue: row.string("state") ?? "") ?? .queued,
            traceID: row.string("trace_id") ?? "",
            traceparent: row.string("traceparent") ?? "",
            validationMilliseconds: row.double("validation_ms") ?? 0,
            acceptedAt: Date(unixMilliseconds: Int64(row.int("accepted_at") ?? 0)),
            startedAt: row.int("started_at").map { Date(unixMilliseconds: Int64($0)) },
            finishedAt: row.int("finished_at").map { Date(unixMilliseconds: Int64($0)) },
            attempts: row.int("attempts") ?? 0,
            stageTimings: try row.data("stage_timings").map { try decoder.decode([StageTiming].self, from: $0) } ?? [],
            result: try row.data("result").map { try decoder.decode(ProposalResult.self, from: $0) },
            failure: try row.data("failure").map { try decoder.decode(JobFailure.self, from: $0) },
            delivery: delivery
        )
    }
}

/// A stored request body, validated again on load (rules may have changed since it was accepted).
struct StoredRequest {
    let request: JobRequest
    /// Why the stored body no longer validates, if it does not.
    let problem: String?

    init(id: String, body: Data) {
        switch JobRequest.decode(from: Array(body)) {
        case .success(let request):
            self.request = request
            self.problem = nil
        case .failure(let error):
            self.request = JobRequest(jobID: id, title: "", description: "")
            self.problem = switch error {
            case .malformed(let message): message
            case .invalid(let problems): problems.map { "\($0.path): \($0.problem)" }.joined(separator: "; ")
            }
        }
    }
}

extension Date {
    /// Milliseconds since 1970, the unit every store column uses.
    var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000)
    }

    /// This date as the store will give it back.
    var truncatedToMilliseconds: Date { Date(unixMilliseconds: unixMilliseconds) }
}
