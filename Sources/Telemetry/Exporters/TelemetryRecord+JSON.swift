import Logging
import Tracing

/// The JSON documents telemetry records become: one line on stdout per log record, one
/// CloudWatch Logs event per span end and per log record (documented in docs/observability.md).
extension LogRecord {
    /// Top-level names the log document reserves; metadata keys equal to one get a `metadata.` prefix.
    static let reservedKeys: Set<String> = ["type", "time", "level", "label", "message", "source", "error"]

    func writeJSON(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member("type", "log")
        writer.key("time")
        writer.timestamp(nanoseconds: timestampNanoseconds)
        writer.member("level", level.rawValue)
        writer.member("label", label)
        writer.member("message", message)
        writer.member("error", error)
        if !source.isEmpty { writer.member("source", source) }
        for key in metadata.keys.sorted() {
            writer.key(Self.reservedKeys.contains(key) ? "metadata.\(key)" : key)
            writer.value(TelemetryValue(metadata: metadata[key]!))
        }
        if metadata[LogKeys.xrayTraceID] == nil, case .string(let traceID)? = metadata[LogKeys.traceID],
           let xray = TraceIDs.xrayTraceID(traceID) {
            writer.member(LogKeys.xrayTraceID, xray)
        }
        writer.endObject()
    }

    /// The record as one compact JSON document.
    public var json: String {
        var writer = JSONWriter(capacity: 256 + message.utf8.count)
        writeJSON(into: &writer)
        return writer.string
    }
}

extension SpanRecord {
    /// - Parameter leavingInstance: true for documents that leave the instance (CloudWatch Logs):
    ///   attributes in ``SpanAttributes/localOnly`` are left out; the ring buffer keeps them.
    func writeJSON(into writer: inout JSONWriter, leavingInstance: Bool = false) {
        writer.beginObject()
        writer.member("type", "span")
        writer.key("time")
        writer.timestamp(nanoseconds: endNanoseconds)
        writer.member("name", name)
        writer.key(LogKeys.traceID)
        writer.hex(context.traceHigh, context.traceLow)
        writer.key(LogKeys.spanID)
        writer.hex(context.spanValue)
        if parentSpanValue != 0 {
            writer.key("parent.id")
            writer.hex(parentSpanValue)
        }
        writer.member("kind", kind.name)
        writer.key("start")
        writer.timestamp(nanoseconds: startNanoseconds)
        writer.key("duration_ms")
        writer.value((Double(durationNanoseconds) / 1000).rounded() / 1000)
        writer.member("status", statusName)
        writer.member("status.message", status?.message)
        writer.key("attributes")
        writer.object(attributes, omitting: leavingInstance ? SpanAttributes.localOnly : [])
        if !events.isEmpty {
            writer.key("events")
            writer.beginArray()
            for event in events {
                writer.beginObject()
                writer.member("name", event.name)
                writer.key("time")
                writer.timestamp(nanoseconds: event.nanosecondsSinceEpoch)
                if !event.attributes.isEmpty {
                    writer.key("attributes")
                    writer.object(event.attributes)
                }
                writer.endObject()
            }
            writer.endArray()
        }
        if !errors.isEmpty {
            writer.key("errors")
            writer.beginArray()
            for error in errors {
                writer.beginObject()
                writer.member("type", error.type)
                writer.member("message", error.message)
                writer.endObject()
            }
            writer.endArray()
        }
        if !links.isEmpty {
            writer.key("links")
            writer.beginArray()
            for link in links { writer.value(link.traceparent) }
            writer.endArray()
        }
        writer.endObject()
    }

    /// `ok`, `error` or `unset`; a span with a recorded error and no status counts as `error`.
    public var statusName: String {
        switch status?.code {
        case .ok: "ok"
        case .error: "error"
        case nil: errors.isEmpty ? "unset" : "error"
        }
    }

    /// The record as one compact JSON document.
    public var json: String {
        var writer = JSONWriter(capacity: 512)
        writeJSON(into: &writer)
        return writer.string
    }
}

extension SpanKind {
    /// The OpenTelemetry name of the kind.
    var name: String {
        switch self {
        case .server: "server"
        case .client: "client"
        case .producer: "producer"
        case .consumer: "consumer"
        case .internal: "internal"
        }
    }

    init(name: String) {
        switch name {
        case "server": self = .server
        case "client": self = .client
        case "producer": self = .producer
        case "consumer": self = .consumer
        default: self = .internal
        }
    }
}
