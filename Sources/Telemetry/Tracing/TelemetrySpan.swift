import Synchronization
import Tracing

/// A span of ``TelemetryTracer``: thread-safe, records until `end`, then hands a ``SpanRecord``
/// to the tracer's sink once.
public final class TelemetrySpan: Span {
    private struct State {
        var operationName: String
        var attributes: Tracing.SpanAttributes
        var events: [SpanEvent] = []
        var links: [TelemetrySpanContext] = []
        var status: SpanStatus?
        var errors: [SpanRecord.RecordedError] = []
        var isRecording = true
    }

    /// The context the span was started in; ``context`` adds this span's identity on first use.
    private let parentContext: ServiceContext
    private let builtContext = Mutex<ServiceContext?>(nil)
    /// Trace id, span id and parent of this span.
    public let spanContext: TelemetrySpanContext
    public let kind: SpanKind
    public let startNanoseconds: UInt64
    /// The parent's span id as an integer, 0 for a root span.
    private let parentValue: UInt64
    private let state: Mutex<State>
    private let sink: any TelemetryRecordSink

    init(operationName: String, context: ServiceContext, spanContext: TelemetrySpanContext, parentValue: UInt64,
         kind: SpanKind, startNanoseconds: UInt64, sink: any TelemetryRecordSink) {
        self.parentContext = context
        self.spanContext = spanContext
        self.kind = kind
        self.startNanoseconds = startNanoseconds
        self.parentValue = parentValue
        self.sink = sink
        // Stage spans carry five or six attributes: room for six (eight buckets) avoids rehashing.
        self.state = Mutex(State(operationName: operationName, attributes: Tracing.SpanAttributes([String: SpanAttribute](minimumCapacity: 6))))
    }

    /// The parent's context plus this span's identity, built when first asked for (`withSpan`
    /// asks at once; a span that is only started and ended never pays for it).
    public var context: ServiceContext {
        builtContext.withLock { built in
            if let built { return built }
            var context = parentContext
            context.telemetrySpanContext = spanContext
            built = context
            return context
        }
    }

    public var traceID: String { spanContext.traceID }
    public var spanID: String { spanContext.spanID }
    /// The parent's span id, nil for a root span.
    public var parentSpanID: String? { parentValue == 0 ? nil : TraceIDs.hex(parentValue) }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { if $0.isRecording { $0.operationName = newValue } } }
    }

    public var attributes: Tracing.SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { if $0.isRecording { $0.attributes = newValue } } }
        // `span.attributes[key] = value` would otherwise copy the whole dictionary on every call:
        // the attributes are moved out, changed in place, and moved back.
        _modify {
            var attributes = state.withLock { state in
                defer { state.attributes = [:] }
                return state.attributes
            }
            defer {
                let kept = attributes
                state.withLock { state in
                    if state.isRecording { state.attributes = kept } else if state.attributes.isEmpty { state.attributes = kept }
                }
            }
            yield &attributes
        }
    }

    public var isRecording: Bool { state.withLock { $0.isRecording } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { state in
            guard state.isRecording else { return }
            // OpenTelemetry: once OK, a span's status is final.
            if state.status?.code != .ok { state.status = status }
        }
    }

    public func addEvent(_ event: SpanEvent) {
        state.withLock { if $0.isRecording { $0.events.append(event) } }
    }

    public func addLink(_ link: SpanLink) {
        guard let linked = link.context.telemetrySpanContext else { return }
        state.withLock { if $0.isRecording { $0.links.append(linked) } }
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: Tracing.SpanAttributes, at instant: @autoclosure () -> Instant) {
        let recorded = SpanRecord.RecordedError(
            type: String(describing: type(of: error)),
            message: String(describing: error),
            nanosecondsSinceEpoch: instant().nanosecondsSinceEpoch
        )
        state.withLock { state in
            guard state.isRecording else { return }
            state.errors.append(recorded)
            if state.attributes.get(SpanAttributes.errorType) == nil {
                state.attributes.set(SpanAttributes.errorType, value: .string(recorded.type))
            }
            var eventAttributes = attributes
            eventAttributes.set("exception.type", value: .string(recorded.type))
            eventAttributes.set("exception.message", value: .string(recorded.message))
            state.events.append(SpanEvent(name: "exception", at: instant(), attributes: eventAttributes))
        }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let endNanoseconds = instant().nanosecondsSinceEpoch
        let finished: State? = state.withLock { state in
            guard state.isRecording else { return nil }
            // Moved out rather than copied: the span keeps nothing it no longer needs.
            var taken = State(operationName: "", attributes: [:])
            swap(&taken, &state)
            state.isRecording = false
            return taken
        }
        guard let finished else { return }
        sink.submit(.span(SpanRecord(
            name: finished.operationName, context: spanContext, parentSpanValue: parentValue, kind: kind,
            startNanoseconds: startNanoseconds, endNanoseconds: endNanoseconds,
            attributes: finished.attributes, events: finished.events, status: finished.status,
            errors: finished.errors, links: finished.links
        )))
    }
}
