/// Turns telemetry records into CloudWatch Logs events: one JSON document per span end and per
/// log record, EMF documents for metric intervals when EMF is on. Span attributes that stay on
/// the instance (``SpanAttributes/localOnly``: proposal sentences) are left out.
///
/// A document larger than one event may be is replaced by a marked, truncated one
/// (`"truncated": true`) that keeps the record's identity and the start of its JSON as text,
/// cut on a UTF-8 boundary.
struct LogEventEncoder: Sendable {
    var limits: PutLogEventsLimits
    /// Nil when EMF is off: metric records are then not sent to the log group.
    var emf: EMFEncoder?

    func events(for record: TelemetryRecord) -> [CloudWatchLogEvent] {
        switch record {
        case .span(let span):
            var writer = JSONWriter(capacity: 512)
            span.writeJSON(into: &writer, leavingInstance: true)
            return [fitted(writer, timestamp: span.endNanoseconds, type: "span", name: span.name,
                           traceID: span.traceID, spanID: span.spanID)]
        case .log(let log):
            var writer = JSONWriter(capacity: 256 + log.message.utf8.count)
            log.writeJSON(into: &writer)
            return [fitted(writer, timestamp: log.timestampNanoseconds, type: "log", name: log.label,
                           traceID: log.traceID, spanID: log.spanID)]
        case .metric(let metric):
            guard let emf else { return [] }
            return emf.documents(for: metric).map {
                CloudWatchLogEvent(timestampMilliseconds: Int64(metric.intervalStartNanoseconds / 1_000_000), message: $0)
            }
        }
    }

    private func fitted(_ writer: JSONWriter, timestamp: UInt64, type: String, name: String,
                        traceID: String?, spanID: String?) -> CloudWatchLogEvent {
        let milliseconds = Int64(timestamp / 1_000_000)
        if writer.bytes.count <= limits.maxMessageBytes {
            return CloudWatchLogEvent(timestampMilliseconds: milliseconds, message: writer.string)
        }
        return CloudWatchLogEvent(timestampMilliseconds: milliseconds, message: truncated(
            writer.string, originalBytes: writer.bytes.count, timestamp: timestamp, type: type,
            name: name, traceID: traceID, spanID: spanID))
    }

    /// The replacement document for an oversized one.
    func truncated(_ original: String, originalBytes: Int, timestamp: UInt64, type: String, name: String,
                   traceID: String?, spanID: String?) -> String {
        var header = JSONWriter(capacity: 512)
        header.beginObject()
        header.member("type", type)
        header.member("time", Timestamp.iso8601(nanoseconds: timestamp))
        header.key("name")
        header.value(name, maxBytes: 512)
        header.member(LogKeys.traceID, traceID)
        header.member(LogKeys.spanID, spanID)
        header.key("truncated")
        header.value(true)
        header.key("original_bytes")
        header.value(originalBytes)
        header.key("head")
        // What is left for the quoted head and the closing brace.
        let budget = limits.maxMessageBytes - header.bytes.count - 1
        header.value(original, maxBytes: budget)
        header.endObject()
        return header.string
    }
}
