import Logging
import Telemetry

/// Turns one accepted job into a proposal. The runner calls it; stages live behind it.
public protocol JobPipeline: Sendable {
    /// Runs every stage within `context.deadline`.
    ///
    /// - Throws: ``PipelineError`` when a stage fails for good (the job is then delivered as
    ///   failed), `CancellationError` when the runner cancels the job (shutdown; the job is
    ///   queued again, not failed).
    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult
}

/// What a pipeline run knows about the job it serves.
public struct JobContext: Sendable {
    public let jobID: String
    public let traceID: String
    /// The whole job's deadline; stage timeouts and retries must end before it.
    public let deadline: ContinuousClock.Instant
    public let logger: Logger
    /// Records a finished stage's duration in the job record (and telemetry).
    public let recordStage: @Sendable (StageTiming) async -> Void
    /// Where each stage's model calls (tokens, search units) go, for the job's cost.
    public let usage: JobUsageLog
    /// Where the stages report prompts, replies and provider errors: kept when
    /// `RAG_CAPTURE_CONTENT` allows, screened out of exported diagnostics always.
    public let capture: JobCapture

    public init(
        jobID: String,
        traceID: String,
        deadline: ContinuousClock.Instant,
        logger: Logger,
        usage: JobUsageLog = JobUsageLog(),
        capture: JobCapture = .none,
        recordStage: @escaping @Sendable (StageTiming) async -> Void
    ) {
        self.jobID = jobID
        self.traceID = traceID
        self.deadline = deadline
        self.logger = logger
        self.usage = usage
        self.capture = capture
        self.recordStage = recordStage
    }

    /// Time left before the deadline (zero when passed).
    public var remaining: Duration {
        max(.zero, deadline - .now)
    }
}

/// How long one stage took, and how it ended.
public struct StageTiming: Sendable, Equatable, Codable {
    public var stage: PipelineStage
    public var milliseconds: Double
    public var provider: String?
    public var attempts: Int
    public var outcome: String

    /// Named here because stores that build this JSON themselves (SQLite's `json_object`) use them.
    public enum CodingKeys: String, CodingKey {
        case stage, milliseconds, provider, attempts, outcome
    }

    public init(stage: PipelineStage, milliseconds: Double, provider: String? = nil, attempts: Int = 1, outcome: String = "ok") {
        self.stage = stage
        self.milliseconds = milliseconds
        self.provider = provider
        self.attempts = attempts
        self.outcome = outcome
    }
}
