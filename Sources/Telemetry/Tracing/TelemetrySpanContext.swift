import Instrumentation
import ServiceContextModule

/// The identity of a span as it travels in a `ServiceContext`: trace id, span id, parent.
///
/// Ids are kept as integers and written as lowercase hex only when needed (exporting, injecting,
/// logging), which keeps starting a span cheap. A context extracted from a `traceparent` header is
/// *remote*: the next span started with it becomes its child and keeps its trace id.
public struct TelemetrySpanContext: Sendable, Hashable {
    let traceHigh: UInt64
    let traceLow: UInt64
    let spanValue: UInt64
    /// 0 for a root span (0 is never a valid span id).
    let parentValue: UInt64
    /// True when the context came from a `traceparent` header rather than a local span.
    public let isRemote: Bool
    /// The W3C sampled flag; every span is recorded, the flag is only propagated.
    public let sampled: Bool

    init(traceHigh: UInt64, traceLow: UInt64, spanValue: UInt64, parentValue: UInt64, isRemote: Bool = false, sampled: Bool = true) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.spanValue = spanValue
        self.parentValue = parentValue
        self.isRemote = isRemote
        self.sampled = sampled
    }

    /// A context from hex ids (32 and 16 lowercase hex digits, as ``TraceIDs`` makes them); digits
    /// that are not hex read as zero.
    public init(traceID: String, spanID: String, parentSpanID: String? = nil, isRemote: Bool = false, sampled: Bool = true) {
        let (high, low) = TraceIDs.traceValues(traceID)
        self.init(traceHigh: high, traceLow: low, spanValue: TraceIDs.spanValue(spanID),
                  parentValue: parentSpanID.map(TraceIDs.spanValue) ?? 0, isRemote: isRemote, sampled: sampled)
    }

    /// 32 lowercase hex digits.
    public var traceID: String { TraceIDs.hex(traceHigh) + TraceIDs.hex(traceLow) }
    /// 16 lowercase hex digits.
    public var spanID: String { TraceIDs.hex(spanValue) }
    /// The span id of the parent, nil for a root span.
    public var parentSpanID: String? { parentValue == 0 ? nil : TraceIDs.hex(parentValue) }

    /// This context as a `traceparent` header value.
    public var traceparent: String {
        "00-\(traceID)-\(spanID)-\(sampled ? "01" : "00")"
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
