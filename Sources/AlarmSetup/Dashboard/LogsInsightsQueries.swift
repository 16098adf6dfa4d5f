import Telemetry

/// The CloudWatch Logs Insights queries of the dashboard and the runbook, all in this one file so
/// they follow the worker's JSON log events in one place.
///
/// Fields are those of the Telemetry CloudWatch Logs exporter (`TelemetryRecord+JSON.swift`): a span
/// event has `type` = `span`, `name`, `trace.id`, `duration_ms`, `status`, `status.message` and the
/// span attributes under `attributes` (Logs Insights flattens them to `attributes.rag.job.id` …).
/// The job span (`rag.job`) covers the pipeline run and carries `rag.job.id`, `rag.outcome`
/// (`succeeded` / `failed`) and `rag.error.code`; stage spans are `rag.<stage>`.
enum LogsInsightsQueries {
    /// The fields of the worker's log events the queries read.
    enum Field {
        static let eventType = "type"
        static let spanName = "name"
        static let durationMilliseconds = "duration_ms"
        static let traceID = LogKeys.traceID
        static let statusMessage = "`status.message`"
        static let jobID = "attributes.\(SpanAttributes.jobID)"
        static let outcome = "attributes.\(SpanAttributes.outcome)"
        static let errorCode = "attributes.\(SpanAttributes.errorCode)"
        static let provider = "attributes.\(SpanAttributes.provider)"
        static let attempts = "attributes.\(SpanAttributes.attempts)"
    }

    /// The span that covers a whole job (the worker's job runner names it so).
    static let jobSpanName = "rag.job"

    /// The 20 slowest job runs in the time range, slowest first.
    static let slowestJobs = """
        filter \(Field.eventType) = "span" and \(Field.spanName) = "\(jobSpanName)" \
        | fields @timestamp, \(Field.jobID) as job, \(Field.durationMilliseconds) / 1000 as seconds, \
        \(Field.outcome) as outcome, \(Field.traceID) as trace \
        | sort seconds desc | limit 20
        """

    /// The failed jobs in the time range, latest first, with the error that failed them.
    static let failedJobs = """
        filter \(Field.eventType) = "span" and \(Field.spanName) = "\(jobSpanName)" and \(Field.outcome) = "failed" \
        | fields @timestamp, \(Field.jobID) as job, \(Field.errorCode) as error, \(Field.statusMessage) as message, \
        \(Field.durationMilliseconds) / 1000 as seconds, \(Field.traceID) as trace \
        | sort @timestamp desc | limit 50
        """

    /// Every span of one job, in order: which stage, which provider, how long, how it ended.
    static func jobTimeline(traceID: String) -> String {
        "filter \(Field.eventType) = \"span\" and \(Field.traceID) = \"\(traceID)\" "
            + "| fields @timestamp, \(Field.spanName) as span, \(Field.durationMilliseconds) as ms, status, "
            + "\(Field.provider) as provider, \(Field.attempts) as attempts, \(Field.errorCode) as error "
            + "| sort @timestamp asc"
    }

    /// A query as a dashboard log widget takes it: `SOURCE '<group>' | <query>`.
    static func widgetQuery(_ query: String, logGroup: String) -> String {
        "SOURCE '\(logGroup)' | \(query)"
    }
}
