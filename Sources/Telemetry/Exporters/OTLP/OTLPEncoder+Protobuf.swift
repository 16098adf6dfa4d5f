import Tracing

/// The protobuf messages of `opentelemetry/proto/trace/v1/trace.proto` and
/// `common/v1/common.proto`, by field number.
extension OTLPEncoder {
    func protobufSpan(_ span: SpanRecord) -> [UInt8] {
        var writer = ProtobufWriter(capacity: 384)
        let context = span.context
        writer.idField(1, context.traceHigh, context.traceLow)
        writer.idField(2, context.spanValue)
        if span.parentSpanValue != 0 { writer.idField(4, span.parentSpanValue) }
        writer.stringField(5, span.name)
        writer.varintField(6, UInt64(span.kind.otlpValue))
        writer.fixed64Field(7, span.startNanoseconds)
        writer.fixed64Field(8, span.endNanoseconds)
        let (attributes, droppedAttributes) = limits.prepare(span.attributes)
        for (key, value) in attributes { Self.keyValue(9, key, value, into: &writer) }
        writer.varintField(10, UInt64(droppedAttributes))
        for event in span.events.prefix(limits.eventCount) {
            writer.message(11) { message in
                message.fixed64Field(1, event.nanosecondsSinceEpoch)
                message.stringField(2, event.name)
                let (eventAttributes, dropped) = limits.prepare(event.attributes)
                for (key, value) in eventAttributes { Self.keyValue(3, key, value, into: &message) }
                message.varintField(4, UInt64(dropped))
            }
        }
        writer.varintField(12, UInt64(max(0, span.events.count - limits.eventCount)))
        for link in span.links.prefix(limits.linkCount) {
            writer.message(13) { message in
                message.idField(1, link.traceHigh, link.traceLow)
                message.idField(2, link.spanValue)
            }
        }
        writer.varintField(14, UInt64(max(0, span.links.count - limits.linkCount)))
        let status = span.otlpStatus
        if status.code != 0 {
            writer.message(15) { message in
                if let text = status.message { message.stringField(2, text) }
                message.varintField(3, UInt64(status.code))
            }
        }
        // W3C trace flags: every exported span was sampled.
        writer.fixed32Field(16, 1)
        return writer.bytes
    }

    /// A `KeyValue` message as field `field`.
    static func keyValue(_ field: UInt32, _ key: String, _ value: TelemetryValue, into writer: inout ProtobufWriter) {
        writer.message(field) { message in
            message.stringField(1, key)
            message.message(2) { anyValue(value, into: &$0) }
        }
    }

    /// The content of an `AnyValue` message.
    static func anyValue(_ value: TelemetryValue, into writer: inout ProtobufWriter) {
        switch value {
        case .string(let text): writer.stringField(1, text, always: true)
        case .bool(let flag): writer.boolField(2, flag)
        case .int(let number):
            // A oneof member is present even when zero.
            writer.tag(3, .varint)
            writer.varint(UInt64(bitPattern: number))
        case .double(let number): writer.doubleField(4, number)
        case .array(let values):
            writer.message(5) { array in
                for element in values { array.message(1) { anyValue(element, into: &$0) } }
            }
        case .object(let members):
            writer.message(6) { list in
                for key in members.keys.sorted() { keyValue(1, key, members[key]!, into: &list) }
            }
        }
    }
}

extension SpanKind {
    /// `Span.SpanKind` of the OTLP protocol.
    var otlpValue: Int {
        switch self {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }
}

extension SpanRecord {
    /// `Status.StatusCode` (0 unset, 1 ok, 2 error) and the message, which OpenTelemetry keeps for errors only.
    var otlpStatus: (code: Int, message: String?) {
        switch status?.code {
        case .ok: return (1, nil)
        case .error: return (2, status?.message)
        case nil: return errors.isEmpty ? (0, nil) : (2, errors.first.map { $0.type })
        }
    }
}
