import Foundation
import Testing
import Tracing
@testable import Telemetry

@Suite("TelemetryTracer")
struct TelemetryTracerTests {
    @Test("job trace, root extracted from the accepted job's traceparent, every stage span carries the job's trace id")
    func jobTrace() throws {
        let sink = CollectingSink()
        let tracer = TelemetryTracer(sink: sink)
        let traceID = TraceIDs.newTraceID()
        let acceptSpan = TraceIDs.newSpanID()
        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": TraceIDs.traceparent(traceID: traceID, spanID: acceptSpan)], into: &context, using: DictionaryExtractor())

        tracer.withSpan("rag.job", context: context) { job in
            job.attributes[SpanAttributes.jobID] = "job-1"
            for stage in [PipelineStage.embed, .retrieve] {
                tracer.withSpan(stage.spanName) { span in
                    span.attributes[SpanAttributes.stage] = stage.rawValue
                }
            }
        }

        let spans = sink.spans
        #expect(spans.map(\.name) == ["rag.embed", "rag.retrieve", "rag.job"])
        #expect(spans.allSatisfy { $0.traceID == traceID })
        let root = try #require(spans.last)
        #expect(root.parentSpanID == acceptSpan)
        #expect(spans.dropLast().allSatisfy { $0.parentSpanID == root.spanID })
        #expect(spans[0].stringAttribute(SpanAttributes.stage) == "embed")
        #expect(root.stringAttribute(SpanAttributes.jobID) == "job-1")
    }

    @Test("inject, inside a span, writes that span's traceparent")
    func inject() {
        let tracer = TelemetryTracer(sink: CollectingSink())
        let span = tracer.startSpan("rag.webhook")
        var headers: [String: String] = [:]
        tracer.inject(span.context, into: &headers, using: DictionaryInjector())
        span.end()
        #expect(headers["traceparent"] == "00-\(span.traceID)-\(span.spanID)-01")
    }

    @Test("span, events errors status and attributes set, the record holds them and is emitted once")
    func recordsEverything() throws {
        let sink = CollectingSink()
        let tracer = TelemetryTracer(sink: sink)
        struct ProviderDown: Error, CustomStringConvertible { var description: String { "openai: 503" } }
        let span = tracer.startSpan("rag.generate", ofKind: .client)
        span.attributes[SpanAttributes.provider] = "openai"
        span.attributes[SpanAttributes.attempts] = 3
        span.addEvent(SpanEvent(name: "retry", attributes: ["delay_ms": 200]))
        span.recordError(ProviderDown())
        span.setStatus(SpanStatus(code: .error, message: "gave up"))
        span.end()
        span.end()
        span.attributes[SpanAttributes.outcome] = "ignored after end"

        #expect(sink.spans.count == 1)
        let record = try #require(sink.spans.first)
        #expect(record.kind == .client)
        #expect(record.intAttribute(SpanAttributes.attempts) == 3)
        #expect(record.stringAttribute(SpanAttributes.errorType) == "ProviderDown")
        #expect(record.stringAttribute(SpanAttributes.outcome) == nil)
        #expect(record.events.map(\.name) == ["retry", "exception"])
        #expect(record.errors.first?.message == "openai: 503")
        #expect(record.status?.message == "gave up")
        #expect(record.isError)
        #expect(record.endNanoseconds >= record.startNanoseconds)

        let json = try #require(jsonObject(record.json))
        #expect(json["status"] as? String == "error")
        #expect((json["attributes"] as? [String: Any])?[SpanAttributes.provider] as? String == "openai")
    }

    @Test("continuing a trace, by trace id alone, the next span keeps it; an invalid id gives nil")
    func continuingTrace() throws {
        let sink = CollectingSink()
        let tracer = TelemetryTracer(sink: sink)
        let traceID = TraceIDs.newTraceID()
        let context = try #require(tracer.context(continuingTrace: traceID))
        tracer.withSpan("rag.job", context: context) { _ in }
        #expect(sink.spans.first?.traceID == traceID)
        #expect(tracer.context(continuingTrace: "not-a-trace") == nil)
    }
}
