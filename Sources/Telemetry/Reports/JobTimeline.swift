/// Everything the ring buffer knows about one job: its run, and its spans and warnings in order.
public struct JobTimeline: Sendable, Codable, Equatable {
    /// One line of the timeline: a span, or a warning/error log record.
    public struct Entry: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable {
            case span
            case log
        }

        public var kind: Kind
        /// Seconds since the first entry of the trace (the job's acceptance).
        public var offsetSeconds: Double
        /// Span name, or the log's label.
        public var name: String
        public var durationSeconds: Double?
        /// Span status (`ok`, `error`, `unset`) or log level.
        public var status: String
        public var stage: String?
        public var provider: String?
        public var attempts: Int?
        public var outcome: String?
        public var errorCode: String?
        /// The span's status message or first recorded error, or the log's message and error.
        public var detail: String?
    }

    public var jobID: String?
    public var traceID: String
    /// Trace ids a caller sent in `traceparent` when it posted the job: linked, never adopted,
    /// so this trace holds this job only.
    public var linkedTraces: [String]
    public var run: JobRun?
    public var entries: [Entry]
    /// Where the latest run's prompts and replies were captured in S3 (`rag.capture.uri` of its
    /// `rag.job` span), for `postmortem --content`.
    public var captureURI: String?

    /// The first span that ended in error, the stage where the job went wrong.
    public var failingEntry: Entry? {
        entries.first { $0.kind == .span && $0.status == "error" && $0.name != "rag.job" }
            ?? entries.first { $0.kind == .span && $0.status == "error" }
    }

    init(jobID: String?, traceID: String, run: JobRun?, spans: [StoredSpan], logs: [StoredLog]) {
        self.jobID = jobID ?? run?.jobID ?? spans.lazy.compactMap(\.jobID).first
        self.traceID = traceID
        var linked: [String] = []
        for link in spans.flatMap(\.links) {
            guard let fields = TraceIDs.parseFields(link), !linked.contains(fields.traceID) else { continue }
            linked.append(fields.traceID)
        }
        self.linkedTraces = linked
        self.run = run
        self.captureURI = spans.last { $0.name == "rag.job" && $0.attributes[SpanAttributes.captureURI] != nil }?
            .attributes[SpanAttributes.captureURI]
        let origin = (spans.map(\.startNanoseconds) + logs.map(\.timeNanoseconds)).min() ?? 0
        func offset(_ nanoseconds: UInt64) -> Double { Double(nanoseconds &- origin) / 1e9 }
        var entries = spans.map { span in
            Entry(kind: .span, offsetSeconds: offset(span.startNanoseconds), name: span.name, durationSeconds: span.durationSeconds,
                  status: span.isError ? "error" : span.status, stage: span.stage, provider: span.provider, attempts: span.attempts,
                  outcome: span.outcome, errorCode: span.errorCode, detail: span.statusMessage ?? span.errors.first)
        }
        entries += logs.map { log in
            Entry(kind: .log, offsetSeconds: offset(log.timeNanoseconds), name: log.label, durationSeconds: nil, status: log.level,
                  stage: nil, provider: nil, attempts: nil, outcome: nil, errorCode: log.errorCode,
                  detail: [log.message, log.error].compactMap { $0 }.joined(separator: ": "))
        }
        // Stable: entries that start in the same instant keep the order they were given in (parents first).
        self.entries = entries.enumerated()
            .sorted { ($0.element.offsetSeconds, $0.offset) < ($1.element.offsetSeconds, $1.offset) }
            .map(\.element)
    }
}

/// What `rag-worker postmortem` prints.
public struct PostmortemReport: Sendable, Codable, Equatable {
    public var range: ReportRange
    /// The slowest finished jobs, slowest first.
    public var slowest: [JobRun]
    /// Failed jobs with their timelines, most recent first.
    public var failed: [JobTimeline]
    /// Jobs finished in the range, for scale.
    public var jobCount: Int
}
