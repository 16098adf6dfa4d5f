/// The CloudWatch Logs Insights queries of the dashboard and the runbook, all in this one file so
/// they follow the worker's JSON log events (docs/observability.md) in one place.
///
/// Field names are those of the CloudWatch Logs exporter's span-end events.
enum LogsInsightsQueries {
    /// The fields of the worker's log events the queries read.
    enum Field {
        static let eventType = "type"
        static let spanName = "name"
        static let durationMilliseconds = "duration_ms"
        static let traceID = "trace_id"
        static let jobID = "`attributes.rag.job.id`"
        static let outcome = "`attributes.rag.outcome`"
        static let errorCode = "`attributes.rag.error.code`"
        static let stage = "`attributes.rag.stage`"
        static let provider = "`attributes.rag.provider`"
    }

    /// The span that covers a whole job.
    static let jobSpanName = "rag.job"

    /// The 20 slowest jobs in the time range, slowest first.
    static let slowestJobs = """
        filter \(Field.spanName) = "\(jobSpanName)" \
        | fields @timestamp, \(Field.jobID) as job, \(Field.durationMilliseconds) / 1000 as seconds, \
        \(Field.outcome) as outcome, \(Field.traceID) as trace \
        | sort seconds desc | limit 20
        """

    /// The failed jobs in the time range, latest first, with the stage, provider and error that failed them.
    static let failedJobs = """
        filter \(Field.spanName) like /^rag\\./ and \(Field.outcome) = "failed" \
        | fields @timestamp, \(Field.jobID) as job, \(Field.spanName) as span, \(Field.stage) as stage, \
        \(Field.provider) as provider, \(Field.errorCode) as error, \(Field.traceID) as trace \
        | sort @timestamp desc | limit 50
        """

    /// Every event of one job, in order (the runbook's follow-up query; replace the job id).
    static func jobTimeline(jobID: String) -> String {
        "filter \(Field.jobID) = \"\(jobID)\" | fields @timestamp, \(Field.spanName), \(Field.durationMilliseconds), "
            + "\(Field.outcome), \(Field.errorCode) | sort @timestamp asc"
    }

    /// A query as a dashboard log widget takes it: `SOURCE '<group>' | <query>`.
    static func widgetQuery(_ query: String, logGroup: String) -> String {
        "SOURCE '\(logGroup)' | \(query)"
    }
}
