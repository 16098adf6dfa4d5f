import Foundation
import PostgresNIO
import RAGPipeline

extension PostgresJobStore {
    /// A job with its delivery status; callers append the `WHERE` clause.
    static let selectJob = """
        SELECT j.id, j.state, j.request, j.trace_id, j.traceparent, j.validation_ms, j.accepted_at, j.started_at,
            j.finished_at, j.attempts, j.stage_timings::text AS stage_timings, j.result::text AS result,
            j.failure::text AS failure,
            o.state AS delivery_state, o.attempts AS delivery_attempts, o.last_status AS delivery_status,
            o.last_error AS delivery_error, o.next_attempt_at AS delivery_next, o.delivered_at AS delivery_at
        FROM rag_jobs j LEFT JOIN rag_outbox o ON o.job_id = j.id
        """

    static func binds(_ values: String...) -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { bindings.append(value) }
        return bindings
    }

    static func record(from row: PostgresRow) throws -> JobRecord {
        let columns = row.makeRandomAccess()
        let decoder = JSONDecoder()
        let id = try columns["id"].decode(String.self)
        let stored = StoredRequest(id: id, body: try columns["request"].decode(Data.self))
        let delivery = try columns["delivery_state"].decode(String?.self).flatMap(DeliveryStatus.State.init(rawValue:)).map { state in
            DeliveryStatus(
                state: state,
                attempts: try columns["delivery_attempts"].decode(Int.self),
                lastStatus: try columns["delivery_status"].decode(Int?.self),
                lastError: try columns["delivery_error"].decode(String?.self),
                nextAttemptAt: state == .pending ? try columns["delivery_next"].decode(Date?.self)?.nearestMillisecond : nil,
                deliveredAt: try columns["delivery_at"].decode(Date?.self)?.nearestMillisecond
            )
        }
        func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
            try columns[column].decode(String?.self).map { try decoder.decode(type, from: Data($0.utf8)) }
        }
        return JobRecord(
            request: stored.request,
            storedRequestProblem: stored.problem,
            state: JobState(rawValue: try columns["state"].decode(String.self)) ?? .queued,
            traceID: try columns["trace_id"].decode(String.self),
            traceparent: try columns["traceparent"].decode(String.self),
            validationMilliseconds: try columns["validation_ms"].decode(Double.self),
            acceptedAt: try columns["accepted_at"].decode(Date.self).nearestMillisecond,
            startedAt: try columns["started_at"].decode(Date?.self)?.nearestMillisecond,
            finishedAt: try columns["finished_at"].decode(Date?.self)?.nearestMillisecond,
            attempts: try columns["attempts"].decode(Int.self),
            stageTimings: try json("stage_timings", as: [StageTiming].self) ?? [],
            result: try json("result", as: ProposalResult.self),
            failure: try json("failure", as: JobFailure.self),
            delivery: delivery
        )
    }

    /// The columns of an outbox message; the job's acceptance time comes from its row.
    static let outboxColumns = "job_id, trace_id, payload, state, attempts, last_status, last_error, created_at, "
        + "(SELECT accepted_at FROM rag_jobs WHERE rag_jobs.id = rag_outbox.job_id) AS accepted_at, "
        + "(SELECT traceparent FROM rag_jobs WHERE rag_jobs.id = rag_outbox.job_id) AS traceparent"

    static func message(from row: PostgresRow) throws -> OutboxMessage {
        let columns = row.makeRandomAccess()
        return OutboxMessage(
            jobID: try columns["job_id"].decode(String.self),
            traceID: try columns["trace_id"].decode(String.self),
            payload: try columns["payload"].decode(Data.self),
            attempts: try columns["attempts"].decode(Int.self),
            state: DeliveryStatus.State(rawValue: try columns["state"].decode(String.self)) ?? .pending,
            lastStatus: try columns["last_status"].decode(Int?.self),
            lastError: try columns["last_error"].decode(String?.self),
            createdAt: try columns["created_at"].decode(Date.self).nearestMillisecond,
            acceptedAt: try columns["accepted_at"].decode(Date?.self)?.nearestMillisecond,
            traceparent: try columns["traceparent"].decode(String?.self)
        )
    }
}

extension Date {
    /// The same instant as ``truncatedToMilliseconds`` builds it, from a value read back from
    /// Postgres (microseconds since 2000): equal dates compare equal after a round trip.
    var nearestMillisecond: Date {
        Date(unixMilliseconds: Int64((timeIntervalSince1970 * 1000).rounded()))
    }
}
