import Tracing

/// A finished span, as the ring buffer and the exporters receive it.
public struct SpanRecord: Sendable {
    /// An error recorded on the span with `recordError`.
    public struct RecordedError: Sendable, Equatable {
        /// The Swift type of the error, e.g. `ProviderError`.
        public var type: String
        /// Its description (project errors never include keys, tokens or bodies).
        public var message: String
        public var nanosecondsSinceEpoch: UInt64

        public init(type: String, message: String, nanosecondsSinceEpoch: UInt64) {
            self.type = type
            self.message = message
            self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        }
    }

    public var name: String
    public var context: TelemetrySpanContext
    /// The parent's span id as an integer, 0 for a root span.
    var parentSpanValue: UInt64
    public var kind: SpanKind
    public var startNanoseconds: UInt64
    public var endNanoseconds: UInt64
    public var attributes: Tracing.SpanAttributes
    public var events: [SpanEvent]
    public var status: SpanStatus?
    public var errors: [RecordedError]
    public var links: [TelemetrySpanContext]

    public init(
        name: String, context: TelemetrySpanContext, parentSpanID: String? = nil, kind: SpanKind = .internal,
        startNanoseconds: UInt64, endNanoseconds: UInt64, attributes: Tracing.SpanAttributes = [:],
        events: [SpanEvent] = [], status: SpanStatus? = nil, errors: [RecordedError] = [],
        links: [TelemetrySpanContext] = []
    ) {
        self.init(name: name, context: context, parentSpanValue: parentSpanID.map(TraceIDs.spanValue) ?? 0, kind: kind,
                  startNanoseconds: startNanoseconds, endNanoseconds: endNanoseconds, attributes: attributes, events: events,
                  status: status, errors: errors, links: links)
    }

    init(
        name: String, context: TelemetrySpanContext, parentSpanValue: UInt64, kind: SpanKind, startNanoseconds: UInt64,
        endNanoseconds: UInt64, attributes: Tracing.SpanAttributes, events: [SpanEvent], status: SpanStatus?,
        errors: [RecordedError], links: [TelemetrySpanContext]
    ) {
        self.name = name
        self.context = context
        self.parentSpanValue = parentSpanValue
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.attributes = attributes
        self.events = events
        self.status = status
        self.errors = errors
        self.links = links
    }

    public var traceID: String { context.traceID }
    public var spanID: String { context.spanID }
    public var parentSpanID: String? { parentSpanValue == 0 ? nil : TraceIDs.hex(parentSpanValue) }
    public var durationNanoseconds: UInt64 { endNanoseconds >= startNanoseconds ? endNanoseconds - startNanoseconds : 0 }

    /// True when the span ended in error: status error, a recorded error, or `rag.outcome` = `failed`.
    public var isError: Bool {
        if status?.code == .error || !errors.isEmpty { return true }
        return stringAttribute(SpanAttributes.outcome) == "failed"
    }

    /// The attribute `key` as text, whatever its type.
    public func stringAttribute(_ key: String) -> String? {
        attributes.get(key).map(TelemetryValue.init(attribute:))?.text
    }

    /// The attribute `key` as an integer, when it is one.
    public func intAttribute(_ key: String) -> Int? {
        switch attributes.get(key) {
        case .int32(let value): Int(value)
        case .int64(let value): Int(value)
        case .double(let value): Int(value)
        case .string(let text): Int(text)
        default: nil
        }
    }
}
