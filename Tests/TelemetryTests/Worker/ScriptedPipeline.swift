import Curl
import CoreMetrics
import Foundation
import RAGPipeline
import Telemetry
import Tracing
@testable import RAGWorker

/// A pipeline shaped like the real one for telemetry: one span per stage (children of the
/// runner's `rag.job` span through the task-local context), provider and attempts attributes,
/// `StageLatency` recorded by the pipeline itself, and a provider failure at `generate` for
/// jobs whose id starts with `fail-`.
struct ScriptedPipeline: JobPipeline {
    let tracer: TelemetryTracer
    let metrics: any MetricsFactory

    /// The pipeline for a worker wired to `system`.
    init(system: TelemetrySystem) {
        tracer = system.tracer
        metrics = system.metricsFactory
    }

    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        for stage in [PipelineStage.embed, .retrieve, .keywordBoost, .rerank, .generate] {
            let started = ContinuousClock.now
            try tracer.withSpan(stage.spanName, ofKind: stage == .generate ? .client : .internal) { span in
                span.attributes[SpanAttributes.stage] = stage.rawValue
                span.attributes[SpanAttributes.provider] = stage == .generate ? "openai" : "embedded"
                span.attributes[SpanAttributes.jobID] = job.jobID
                if stage == .generate, job.jobID.hasPrefix("fail-") {
                    span.attributes[SpanAttributes.attempts] = 3
                    span.attributes[SpanAttributes.errorCode] = PipelineError.Code.providerUnavailable.rawValue
                    span.setStatus(SpanStatus(code: .error, message: "openai answered 503 three times"))
                    throw PipelineError(code: .providerUnavailable, stage: .generate, provider: "openai", status: 503, attempts: 3,
                                        message: "openai answered 503 three times")
                }
                span.attributes[SpanAttributes.attempts] = 1
                span.attributes[SpanAttributes.outcome] = "ok"
            }
            let elapsed = ContinuousClock.now - started
            Timer(label: MetricCatalogue.stageLatency.name, dimensions: [(MetricDimension.stage.rawValue, stage.rawValue)], factory: metrics)
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            await context.recordStage(StageTiming(stage: stage, milliseconds: (ContinuousClock.now - started).seconds * 1000,
                                                  provider: stage == .generate ? "openai" : "embedded"))
        }
        return ProposalResult(
            proposal: Proposal(text: "Hello! I can build \(job.title).", answers: [], generatedBy: "scripted"),
            analysis: Analysis(fitScore: 50, fitReasons: [], keyRequirements: [], risks: []),
            references: [], providers: ["generate": "openai"])
    }
}
