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

    /// Tokens, search units and US dollars the job's model calls used (docs/api.md, `usage`).
    struct Usage: Sendable, Equatable, Codable {
        /// One stage's model calls (a generation and its repair together).
        struct Call: Sendable, Equatable, Codable {
            var stage: String
            /// `embeddings`, `chat` or `retrieval` (the OpenTelemetry GenAI operation).
            var operation: String
            var provider: String
            var model: String
            var responseModel: String?
            var inputTokens: Int
            var outputTokens: Int
            var cachedInputTokens: Int
            var reasoningTokens: Int
            var searchUnits: Int
            var costUSD: Double
            /// False when the price table does not know the model (then `cost_usd` is 0).
            var priced: Bool

            enum CodingKeys: String, CodingKey {
                case stage, operation, provider, model, priced
                case responseModel = "response_model"
                case inputTokens = "input_tokens"
                case outputTokens = "output_tokens"
                case cachedInputTokens = "cached_input_tokens"
                case reasoningTokens = "reasoning_tokens"
                case searchUnits = "search_units"
                case costUSD = "cost_usd"
            }
        }

        var inputTokens: Int
        var outputTokens: Int
        var cachedInputTokens: Int
        var reasoningTokens: Int
        var searchUnits: Int
        var costUSD: Double
        var unpricedModels: [String]
        var calls: [Call]

        enum CodingKeys: String, CodingKey {
            case calls
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case cachedInputTokens = "cached_input_tokens"
            case reasoningTokens = "reasoning_tokens"
            case searchUnits = "search_units"
            case costUSD = "cost_usd"
            case unpricedModels = "unpriced_models"
        }

        init(_ cost: JobCost) {
            let totals = cost.usage
            inputTokens = totals.inputTokens
            outputTokens = totals.outputTokens
            cachedInputTokens = totals.cachedInputTokens
            reasoningTokens = totals.reasoningTokens
            searchUnits = totals.searchUnits
            costUSD = cost.totalUSD
            unpricedModels = cost.unpricedModels
            calls = cost.lines.map { line in
                Call(stage: line.call.stage.rawValue, operation: line.call.operation, provider: line.call.provider,
                     model: line.call.model, responseModel: line.call.usage.responseModel,
                     inputTokens: line.call.usage.inputTokens, outputTokens: line.call.usage.outputTokens,
                     cachedInputTokens: line.call.usage.cachedInputTokens, reasoningTokens: line.call.usage.reasoningTokens,
                     searchUnits: line.call.usage.searchUnits, costUSD: line.usd, priced: line.priced)
            }
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
    /// What the run's model calls used and cost, for succeeded and failed jobs alike.
    var usage: Usage
    var error: JobFailure?
    var metadata: [String: JSONValue]?
    /// How many runs the job took (more than 1 after a crash or a replaced instance).
    var attempts: Int

    enum CodingKeys: String, CodingKey {
        case status, proposal, analysis, references, providers, degraded, timings, usage, error, metadata, attempts
        case jobID = "job_id"
        case traceID = "trace_id"
    }

    /// The document for a finished job.
    init(job: JobRecord, outcome: JobOutcome, stageTimings: [StageTiming], cost: JobCost = JobCost(lines: [], unpricedModels: []),
         startedAt: Date, finishedAt: Date) {
        usage = Usage(cost)
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
