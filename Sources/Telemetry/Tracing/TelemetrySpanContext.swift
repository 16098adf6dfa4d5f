import Instrumentation
import ServiceContextModule

/// The identity of a span as it travels in a `ServiceContext`: its trace id and span id.
///
/// Ids are kept as integers and written as lowercase hex only when needed (exporting, injecting,
/// logging); at 24 bytes the value fits a context's inline storage, which keeps starting a span
/// cheap. A context extracted from a `traceparent` header names the remote parent: the next span
/// started with it becomes its child and keeps its trace id.
public struct TelemetrySpanContext: Sendable, Hashable {
    let traceHigh: UInt64
    let traceLow: UInt64
    let spanValue: UInt64

    init(traceHigh: UInt64, traceLow: UInt64, spanValue: UInt64) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.spanValue = spanValue
    }

    /// A context from hex ids (32 and 16 lowercase hex digits, as ``TraceIDs`` makes them);
    /// digits that are not hex read as zero.
    public init(traceID: String, spanID: String) {
        let (high, low) = TraceIDs.traceValues(traceID)
        self.init(traceHigh: high, traceLow: low, spanValue: TraceIDs.spanValue(spanID))
    }

    /// 32 lowercase hex digits.
    public var traceID: String { TraceIDs.hex(traceHigh) + TraceIDs.hex(traceLow) }
    /// 16 lowercase hex digits.
    public var spanID: String { TraceIDs.hex(spanValue) }

    /// This context as a `traceparent` header value. Every span is recorded, so the sampled flag is set.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-01"
    }
}

/// The `ServiceContext` key under which spans of this tracer keep their identity.
enum TelemetrySpanContextKey: ServiceContextKey {
    typealias Value = TelemetrySpanContext
    static var nameOverride: String? { "rag-telemetry-span-context" }
}

extension ServiceContext {
    /// The identity of the current span, when a ``TelemetryTracer`` span is active or a
    /// `traceparent` was extracted into this context.
    public var telemetrySpanContext: TelemetrySpanContext? {
        get { self[TelemetrySpanContextKey.self] }
        set { self[TelemetrySpanContextKey.self] = newValue }
    }
}
