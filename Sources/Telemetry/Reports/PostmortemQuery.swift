/// Builds post-mortems from the ring buffer: the slowest jobs, the failed jobs with their span
/// timelines, and one job by job id or trace id.
public struct PostmortemQuery: Sendable {
    public let store: RingBufferStore

    public init(store: RingBufferStore) {
        self.store = store
    }

    /// The slowest `slowestCount` jobs and the last `failedCount` failed jobs finished in `range`.
    public func report(range: ReportRange, slowestCount: Int = 10, failedCount: Int = 10) async throws -> PostmortemReport {
        let runs = try await store.jobRuns(in: range)
        let slowest = runs.sorted { $0.endToEndSeconds > $1.endToEndSeconds }.prefix(slowestCount)
        var failed: [JobTimeline] = []
        for run in runs.filter(\.failed).suffix(failedCount).reversed() {
            failed.append(try await timeline(traceID: run.traceID, run: run))
        }
        return PostmortemReport(range: range, slowest: Array(slowest), failed: failed, jobCount: runs.count)
    }

    /// The `count` succeeded runs with the lowest groundedness in `range`, lowest first (ties:
    /// most unsupported claims first, then the latest).
    public func worstGrounded(range: ReportRange, count: Int) async throws -> [JobRun] {
        let runs = try await store.jobRuns(in: range).filter { $0.quality?.groundedness != nil }
        return Array(runs.sorted { lhs, rhs in
            let (a, b) = (lhs.quality!, rhs.quality!)
            if a.groundedness! != b.groundedness! { return a.groundedness! < b.groundedness! }
            if a.unsupportedClaims != b.unsupportedClaims { return a.unsupportedClaims > b.unsupportedClaims }
            return lhs.endNanoseconds > rhs.endNanoseconds
        }.prefix(max(0, count)))
    }

    /// One job's timeline, by job id or by trace id (32 hex digits); nil when the ring buffer has nothing on it.
    public func job(_ identifier: String) async throws -> JobTimeline? {
        let traceID: String
        if TraceIDs.isValidTraceID(identifier) {
            traceID = identifier
        } else if let found = try await store.traceID(ofJob: identifier) {
            traceID = found
        } else {
            return nil
        }
        let timeline = try await timeline(traceID: traceID, run: nil)
        return timeline.entries.isEmpty ? nil : timeline
    }

    private func timeline(traceID: String, run: JobRun?) async throws -> JobTimeline {
        let spans = try await store.spans(traceID: traceID)
        let logs = try await store.logs(traceID: traceID)
        var run = run
        if run == nil, let job = spans.last(where: { $0.name == "rag.job" && $0.outcome != "interrupted" }) {
            run = JobRun(job: job, acceptedNanoseconds: spans.first { $0.name == PipelineStage.validate.spanName }?.startNanoseconds)
        }
        return JobTimeline(jobID: run?.jobID, traceID: traceID, run: run, spans: spans, logs: logs)
    }
}
