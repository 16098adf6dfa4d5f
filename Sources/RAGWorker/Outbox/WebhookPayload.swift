import Foundation
import RAGPipeline
import Telemetry

/// The one JSON document delivered to the webhook for each job (docs/api.md).
///
/// Built once when the job finishes and stored in the outbox, so every attempt sends the same
/// bytes.
struct WebhookPayload: Sendable, Equatable, Codable {
    /// End-to-end and per-stage durations in milliseconds.
    struct Timings: Sendable, Equatable, Codable {
        /// Acceptance to finish, queue time included.
        var totalMs: Double
        /// Acceptance to the start of the run that finished.
        var queueMs: Double
        /// Milliseconds per stage, keyed by stage name.
        var stages: [String: Double]

        enum CodingKeys: String, CodingKey {
            case stages
            case totalMs = "total_ms"
            case queueMs = "queue_ms"
        }
    }

    enum Status: String, Sendable, Codable {
        case succeeded
        case failed
    }

    var jobID: String
    var status: Status
    var traceID: String
    var proposal: Proposal?
    var analysis: Analysis?
    var references: [Reference]
    var providers: [String: String]
    var degraded: [String]
    var timings: Timings
    var error: JobFailure?
    var metadata: [String: JSONValue]?
    /// How many runs the job took (more than 1 after a crash or a replaced instance).
    var attempts: Int

    enum CodingKeys: String, CodingKey {
        case status, proposal, analysis, references, providers, degraded, timings, error, metadata, attempts
        case jobID = "job_id"
        case traceID = "trace_id"
    }

    /// The document for a finished job.
    init(job: JobRecord, outcome: JobOutcome, stageTimings: [StageTiming], startedAt: Date, finishedAt: Date) {
        jobID = job.id
        traceID = job.traceID
        metadata = job.request.metadata
        attempts = job.attempts
        var stages: [String: Double] = [PipelineStage.validate.rawValue: job.validationMilliseconds]
        for timing in stageTimings {
            stages[timing.stage.rawValue, default: 0] += timing.milliseconds
        }
        timings = Timings(
            totalMs: Self.milliseconds(from: job.acceptedAt, to: finishedAt),
            queueMs: Self.milliseconds(from: job.acceptedAt, to: startedAt),
            stages: stages
        )
        switch outcome {
        case .succeeded(let result):
            status = .succeeded
            proposal = result.proposal
            analysis = result.analysis
            references = result.references
            providers = result.providers
            degraded = result.degraded
            error = nil
        case .failed(let failure):
            status = .failed
            proposal = nil
            analysis = nil
            references = []
            providers = [:]
            degraded = []
            error = failure
        }
    }

    /// Canonical bytes: sorted keys, so the same document always signs the same.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func milliseconds(from start: Date, to end: Date) -> Double {
        max(0, (end.timeIntervalSince(start) * 1000).rounded())
    }
}
