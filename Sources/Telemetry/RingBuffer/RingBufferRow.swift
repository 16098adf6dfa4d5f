import Logging
import SQLite

/// A telemetry record flattened into the ring buffer's columns.
struct RingBufferRow: Sendable {
    var kind: RingBufferSchema.Kind
    var timeNanoseconds: Int64
    var endNanoseconds: Int64?
    var traceID: String?
    var spanID: String?
    var parentID: String?
    var name: String
    var jobID: String?
    var status: String?
    var durationNanoseconds: Int64?
    var payload: String

    /// What the row counts against the byte limit: its text, payload included.
    var bytes: Int {
        payload.utf8.count + name.utf8.count + (traceID?.utf8.count ?? 0) + (spanID?.utf8.count ?? 0)
            + (parentID?.utf8.count ?? 0) + (jobID?.utf8.count ?? 0) + (status?.utf8.count ?? 0) + 48
    }

    var bindings: [SQLiteValue] {
        [.text(kind.rawValue), .integer(timeNanoseconds), endNanoseconds.sqliteValue, traceID.sqliteValue, spanID.sqliteValue,
         parentID.sqliteValue, .text(name), jobID.sqliteValue, status.sqliteValue, durationNanoseconds.sqliteValue,
         .text(payload), .integer(Int64(bytes))]
    }

    init(_ record: TelemetryRecord) {
        switch record {
        case .span(let span):
            kind = .span
            timeNanoseconds = Int64(clamping: span.startNanoseconds)
            endNanoseconds = Int64(clamping: span.endNanoseconds)
            traceID = span.context.traceID
            spanID = span.context.spanID
            parentID = span.parentSpanID
            name = span.name
            jobID = span.stringAttribute(SpanAttributes.jobID)
            status = span.statusName
            durationNanoseconds = Int64(clamping: span.durationNanoseconds)
            payload = span.json
        case .log(let log):
            kind = .log
            timeNanoseconds = Int64(clamping: log.timestampNanoseconds)
            traceID = log.traceID
            spanID = log.spanID
            name = log.label
            jobID = log.jobID
            status = log.level.rawValue
            payload = log.json
        case .metric(let metric):
            kind = .metric
            timeNanoseconds = Int64(clamping: metric.intervalStartNanoseconds)
            endNanoseconds = Int64(clamping: metric.intervalEndNanoseconds)
            name = metric.name
            status = metric.kind.rawValue
            payload = metric.json
        }
    }
}

extension MetricAggregate {
    /// The interval as a JSON summary: count, sum, minimum, maximum, last and, for distributions,
    /// exact p50, p90, p99 (the ring buffer keeps summaries, not every value).
    var json: String {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        writer.member("type", "metric")
        writer.member("name", name)
        writer.member("kind", kind.rawValue)
        writer.member("start", Timestamp.iso8601(nanoseconds: intervalStartNanoseconds))
        writer.member("end", Timestamp.iso8601(nanoseconds: intervalEndNanoseconds))
        writer.key("dimensions")
        writer.beginObject()
        for dimension in dimensions {
            writer.member(dimension.key, dimension.value)
        }
        writer.endObject()
        writer.key("count")
        writer.value(count)
        for (key, value) in [("sum", sum), ("min", minimum), ("max", maximum)] {
            writer.key(key)
            writer.value(value)
        }
        if let last {
            writer.key("last")
            writer.value(last)
        }
        if !distribution.isEmpty {
            for (key, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
                writer.key(key)
                writer.value(percentile(p) ?? 0)
            }
        }
        writer.endObject()
        return writer.string
    }
}
