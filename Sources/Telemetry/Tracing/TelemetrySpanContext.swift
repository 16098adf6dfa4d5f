import Instrumentation
import ServiceContextModule

/// The identity of a span as it travels in a `ServiceContext`: trace id, span id, parent.
///
/// A context extracted from a `traceparent` header is *remote*: the next span started with it
/// becomes its child and keeps its trace id.
public struct TelemetrySpanContext: Sendable, Hashable {
    /// 32 lowercase hex digits.
    public let traceID: String
    /// 16 lowercase hex digits.
    public let spanID: String
    /// The span id of the parent, nil for a root span.
    public let parentSpanID: String?
    /// True when the context came from a `traceparent` header rather than a local span.
    public let isRemote: Bool
    /// The W3C sampled flag; every span is recorded, the flag is only propagated.
    public let sampled: Bool

    public init(traceID: String, spanID: String, parentSpanID: String? = nil, isRemote: Bool = false, sampled: Bool = true) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.isRemote = isRemote
        self.sampled = sampled
    }

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
