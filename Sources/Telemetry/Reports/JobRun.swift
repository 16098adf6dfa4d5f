import Foundation

/// One finished run of a job, from its `rag.job` span (and the `rag.validate` span of its trace,
/// which marks when the job was accepted).
public struct JobRun: Sendable, Codable, Equatable {
    public var jobID: String
    public var traceID: String
    /// When the job was accepted (its `rag.validate` span), or its pipeline start when unknown.
    public var acceptedNanoseconds: UInt64
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    /// `succeeded` or `failed` (runs cut short by shutdown are `interrupted` and left out of reports).
    public var outcome: String
    public var errorCode: String?
    public var errorMessage: String?
    /// How many times the job was claimed, 1 for a first run.
    public var attempts: Int?
    /// The stage and provider that failed (failed runs).
    public var failedStage: String?
    public var failedProvider: String?
    /// The proposal's quality signals (succeeded runs; nil when none were recorded).
    public var quality: JobQuality?
    /// What the run's model calls cost and used (nil when the run recorded none).
    public var cost: JobUsageSummary?

    /// Accepted to finished, in seconds: what the 120 s objective measures.
    public var endToEndSeconds: Double { Double(endNanoseconds &- acceptedNanoseconds) / 1e9 }
    /// Time from acceptance to the pipeline start.
    public var queueWaitSeconds: Double { Double(startNanoseconds &- acceptedNanoseconds) / 1e9 }
    public var failed: Bool { outcome == "failed" }

    init(job: StoredSpan, acceptedNanoseconds: UInt64?) {
        jobID = job.jobID ?? "?"
        traceID = job.traceID
        startNanoseconds = job.startNanoseconds
        endNanoseconds = job.endNanoseconds
        self.acceptedNanoseconds = min(acceptedNanoseconds ?? job.startNanoseconds, job.startNanoseconds)
        outcome = job.outcome ?? (job.isError ? "failed" : "succeeded")
        errorCode = job.errorCode
        errorMessage = job.statusMessage ?? job.errors.first
        attempts = job.attempts
        failedStage = outcome == "failed" ? job.attributes[SpanAttributes.stage] : nil
        failedProvider = outcome == "failed" ? job.attributes[SpanAttributes.provider] : nil
        quality = JobQuality(span: job)
        cost = JobUsageSummary(span: job)
    }
}
