import Foundation
import Logging
import Tracing
@testable import Telemetry

/// Spans shaped like the worker's: `rag.validate` at acceptance (the trace root), `rag.job` later
/// as a child of the accepted traceparent, one span per stage inside it, and `rag.webhook`
/// attempts after it.
struct SyntheticJob {
    var jobID: String
    var acceptedAt: UInt64
    var queueWait: Double = 0.5
    var stageSeconds: [PipelineStage: Double] = [.embed: 0.2, .retrieve: 0.1, .keywordBoost: 0.01, .rerank: 0.3, .generate: 5, .persist: 0.02]
    /// The stage that fails, with its provider, error code and attempts.
    var failure: (stage: PipelineStage, provider: String, code: String, attempts: Int)?
    var webhookOutcomes: [String] = ["delivered"]
    let traceID = TraceIDs.newTraceID()

    var endToEndSeconds: Double { queueWait + 0.001 + stageSeconds.values.reduce(0, +) }

    func records() -> [TelemetryRecord] {
        func ns(_ seconds: Double) -> UInt64 { UInt64((seconds * 1e9).rounded()) }
        let validate = TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID())
        var records: [TelemetryRecord] = [.span(SpanRecord(
            name: PipelineStage.validate.spanName, context: validate, kind: .server, startNanoseconds: acceptedAt,
            endNanoseconds: acceptedAt + 1_000_000,
            attributes: [SpanAttributes.jobID: .string(jobID), SpanAttributes.outcome: "accepted"]))]
        let jobContext = TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID())
        let jobStart = acceptedAt + ns(queueWait)
        var cursor = jobStart + 1_000_000
        for stage in [PipelineStage.embed, .retrieve, .keywordBoost, .rerank, .generate, .persist] {
            guard let seconds = stageSeconds[stage] else { continue }
            var attributes: Tracing.SpanAttributes = [SpanAttributes.stage: .string(stage.rawValue), SpanAttributes.provider: "openai", SpanAttributes.attempts: 1]
            var status: SpanStatus?
            var errors: [SpanRecord.RecordedError] = []
            if let failure, failure.stage == stage {
                attributes.set(SpanAttributes.provider, value: .string(failure.provider))
                attributes.set(SpanAttributes.attempts, value: .int64(Int64(failure.attempts)))
                attributes.set(SpanAttributes.errorCode, value: .string(failure.code))
                status = SpanStatus(code: .error, message: "\(failure.provider) answered 503 three times")
                errors = [.init(type: "ProviderError", message: "\(failure.provider): 503", nanosecondsSinceEpoch: cursor)]
            }
            records.append(.span(SpanRecord(
                name: stage.spanName, context: TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID()), parentSpanID: jobContext.spanID,
                startNanoseconds: cursor, endNanoseconds: cursor + ns(seconds), attributes: attributes, status: status, errors: errors)))
            cursor += ns(seconds)
            if failure?.stage == stage { break }
        }
        var jobAttributes: Tracing.SpanAttributes = [SpanAttributes.jobID: .string(jobID), SpanAttributes.outcome: failure == nil ? "succeeded" : "failed", SpanAttributes.attempts: 1]
        if let failure { jobAttributes.set(SpanAttributes.errorCode, value: .string(failure.code)) }
        records.append(.span(SpanRecord(
            name: "rag.job", context: jobContext, parentSpanID: validate.spanID, kind: .consumer, startNanoseconds: jobStart, endNanoseconds: cursor,
            attributes: jobAttributes, status: failure.map { SpanStatus(code: .error, message: "\($0.code) in \($0.stage.rawValue)") })))
        if failure != nil {
            records.append(.log(LogRecord(timestampNanoseconds: cursor, level: .warning, label: "rag.runner", message: "job failed",
                                          metadata: [LogKeys.jobID: .string(jobID), LogKeys.traceID: .string(traceID), "error.code": .string(failure!.code)])))
        }
        for (attempt, outcome) in webhookOutcomes.enumerated() {
            let start = cursor + UInt64(attempt) * 1_000_000_000
            records.append(.span(SpanRecord(
                name: PipelineStage.webhook.spanName, context: TelemetrySpanContext(traceID: traceID, spanID: TraceIDs.newSpanID()), parentSpanID: TraceIDs.newSpanID(),
                kind: .producer, startNanoseconds: start, endNanoseconds: start + 50_000_000,
                attributes: [SpanAttributes.jobID: .string(jobID), SpanAttributes.stage: "webhook", SpanAttributes.attempts: .int64(Int64(attempt + 1)),
                             SpanAttributes.outcome: .string(outcome)])))
        }
        return records
    }
}
