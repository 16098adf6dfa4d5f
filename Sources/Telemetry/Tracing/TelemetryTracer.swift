import Instrumentation
import Tracing

/// The tracer of the worker: W3C trace ids, every span recorded, finished spans handed to a
/// ``TelemetryRecordSink`` (the ring buffer and CloudWatch Logs in production).
///
/// As an `Instrument` it injects and extracts the `traceparent` header, so a job's trace id,
/// chosen when the job is accepted, carries over to the spans that run it later.
public struct TelemetryTracer: Tracer {
    public typealias Span = TelemetrySpan

    /// The W3C header this tracer reads and writes.
    public static let traceparentHeader = "traceparent"

    private let sink: any TelemetryRecordSink

    /// A tracer that hands each finished span to `sink`.
    public init(sink: any TelemetryRecordSink) {
        self.sink = sink
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> TelemetrySpan {
        let parentContext = context()
        let ids = IDGenerator.shared
        let start = instant().nanosecondsSinceEpoch
        let spanContext: TelemetrySpanContext
        var parentValue: UInt64 = 0
        if let parent = parentContext.telemetrySpanContext {
            spanContext = TelemetrySpanContext(traceHigh: parent.traceHigh, traceLow: parent.traceLow, spanValue: ids.next())
            parentValue = parent.spanValue
        } else {
            spanContext = TelemetrySpanContext(traceHigh: TraceIDs.timedHigh(ids.next(), nanoseconds: start), traceLow: ids.next(), spanValue: ids.next())
        }
        return TelemetrySpan(
            operationName: operationName, context: parentContext, spanContext: spanContext, parentValue: parentValue,
            kind: kind, startNanoseconds: start, sink: sink
        )
    }

    /// Spans are handed over when they end; the exporters flush on their own schedule and at shutdown.
    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: Self.traceparentHeader, from: carrier),
              let fields = TraceIDs.parseFields(header)
        else { return }
        context.telemetrySpanContext = TelemetrySpanContext(traceID: fields.traceID, spanID: fields.spanID)
    }

    public func inject<Carrier, Inject: Injector>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let spanContext = context.telemetrySpanContext else { return }
        injector.inject(spanContext.traceparent, forKey: Self.traceparentHeader, into: &carrier)
    }

    /// A context whose next span continues the trace `traceID`, as if extracted from
    /// `traceparent: 00-<traceID>-<parentSpanID>-01`. Nil when `traceID` is not 32 lowercase hex.
    public func context(continuingTrace traceID: String, parentSpanID: String? = nil, in base: ServiceContext = .topLevel) -> ServiceContext? {
        guard TraceIDs.isValidTraceID(traceID) else { return nil }
        let parent = parentSpanID.flatMap { TraceIDs.isValidSpanID($0) ? $0 : nil } ?? TraceIDs.newSpanID()
        var context = base
        extract([Self.traceparentHeader: TraceIDs.traceparent(traceID: traceID, spanID: parent)], into: &context, using: DictionaryExtractor())
        return context
    }
}
