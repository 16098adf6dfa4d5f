import Tracing

/// OTLP/JSON: the protobuf messages' JSON mapping with the specification's exceptions (trace and
/// span ids as hex strings, enums as integers), 64-bit integers as decimal strings.
///
/// [OTLP/JSON](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
extension OTLPEncoder {
    func jsonSpan(_ span: SpanRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 768)
        let context = span.context
        writer.beginObject()
        writer.key("traceId")
        writer.hex(context.traceHigh, context.traceLow)
        writer.key("spanId")
        writer.hex(context.spanValue)
        if span.parentSpanValue != 0 {
            writer.key("parentSpanId")
            writer.hex(span.parentSpanValue)
        }
        writer.key("flags")
        writer.value(1)
        writer.member("name", span.name)
        writer.key("kind")
        writer.value(span.kind.otlpValue)
        writer.member("startTimeUnixNano", String(span.startNanoseconds))
        writer.member("endTimeUnixNano", String(span.endNanoseconds))
        let (attributes, droppedAttributes) = limits.prepare(span.attributes)
        writer.key("attributes")
        Self.jsonAttributes(attributes, into: &writer)
        if droppedAttributes > 0 {
            writer.key("droppedAttributesCount")
            writer.value(droppedAttributes)
        }
        if !span.events.isEmpty {
            writer.key("events")
            writer.beginArray()
            for event in span.events.prefix(limits.eventCount) {
                writer.beginObject()
                writer.member("timeUnixNano", String(event.nanosecondsSinceEpoch))
                writer.member("name", event.name)
                let (eventAttributes, dropped) = limits.prepare(event.attributes)
                writer.key("attributes")
                Self.jsonAttributes(eventAttributes, into: &writer)
                if dropped > 0 {
                    writer.key("droppedAttributesCount")
                    writer.value(dropped)
                }
                writer.endObject()
            }
            writer.endArray()
            if span.events.count > limits.eventCount {
                writer.key("droppedEventsCount")
                writer.value(span.events.count - limits.eventCount)
            }
        }
        if !span.links.isEmpty {
            writer.key("links")
            writer.beginArray()
            for link in span.links.prefix(limits.linkCount) {
                writer.beginObject()
                writer.key("traceId")
                writer.hex(link.traceHigh, link.traceLow)
                writer.key("spanId")
                writer.hex(link.spanValue)
                writer.endObject()
            }
            writer.endArray()
            if span.links.count > limits.linkCount {
                writer.key("droppedLinksCount")
                writer.value(span.links.count - limits.linkCount)
            }
        }
        let status = span.otlpStatus
        if status.code != 0 {
            writer.key("status")
            writer.beginObject()
            writer.key("code")
            writer.value(status.code)
            writer.member("message", status.message)
            writer.endObject()
        }
        writer.endObject()
        return writer.bytes
    }

    /// A JSON array of `KeyValue`s.
    static func jsonAttributes(_ attributes: [(key: String, value: TelemetryValue)], into writer: inout JSONWriter) {
        writer.beginArray()
        for (key, value) in attributes {
            writer.beginObject()
            writer.member("key", key)
            writer.key("value")
            jsonAnyValue(value, into: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    static func jsonAnyValue(_ value: TelemetryValue, into writer: inout JSONWriter) {
        writer.beginObject()
        switch value {
        case .string(let text): writer.member("stringValue", text)
        case .bool(let flag):
            writer.key("boolValue")
            writer.value(flag)
        case .int(let number): writer.member("intValue", String(number))
        case .double(let number):
            writer.key("doubleValue")
            writer.value(number)
        case .array(let values):
            writer.key("arrayValue")
            writer.beginObject()
            writer.key("values")
            writer.beginArray()
            for element in values { jsonAnyValue(element, into: &writer) }
            writer.endArray()
            writer.endObject()
        case .object(let members):
            writer.key("kvlistValue")
            writer.beginObject()
            writer.key("values")
            jsonAttributes(members.keys.sorted().map { ($0, members[$0]!) }, into: &writer)
            writer.endObject()
        }
        writer.endObject()
    }
}
