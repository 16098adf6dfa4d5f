import Logging
import SQLite

/// A telemetry record flattened into the ring buffer's columns.
struct RingBufferRow: Sendable {
    var kind: RingBufferSchema.Kind
    var timeNanoseconds: Int64
    var endNanoseconds: Int64?
    var traceHigh: Int64?
    var traceLow: Int64?
    var spanID: Int64?
    var parentID: Int64?
    var name: String
    var jobID: String?
    var status: String?
    var durationNanoseconds: Int64?
    var payload: String

    /// What the row counts against the byte limit: its text, payload included, plus 80 for the
    /// integer columns and row overhead.
    var bytes: Int {
        payload.utf8.count + name.utf8.count + (jobID?.utf8.count ?? 0) + (status?.utf8.count ?? 0) + 80
    }

    var bindings: [SQLiteValue] {
        [.text(kind.rawValue), .integer(timeNanoseconds), endNanoseconds.sqliteValue, traceHigh.sqliteValue, traceLow.sqliteValue,
         spanID.sqliteValue, parentID.sqliteValue, .text(name), jobID.sqliteValue, status.sqliteValue,
         durationNanoseconds.sqliteValue, .text(payload), .integer(Int64(bytes))]
    }

    /// A trace id as the two columns, nil when it is not 32 hex digits.
    static func traceColumns(_ traceID: String?) -> (Int64, Int64)? {
        guard let traceID, TraceIDs.isValidTraceID(traceID) else { return nil }
        let (high, low) = TraceIDs.traceValues(traceID)
        return (Int64(bitPattern: high), Int64(bitPattern: low))
    }

    init(_ record: TelemetryRecord) {
        switch record {
        case .span(let span):
            kind = .span
            timeNanoseconds = Int64(clamping: span.startNanoseconds)
            endNanoseconds = Int64(clamping: span.endNanoseconds)
            traceHigh = Int64(bitPattern: span.context.traceHigh)
            traceLow = Int64(bitPattern: span.context.traceLow)
            spanID = Int64(bitPattern: span.context.spanValue)
            parentID = span.parentSpanValue == 0 ? nil : Int64(bitPattern: span.parentSpanValue)
            name = span.name
            jobID = span.stringAttribute(SpanAttributes.jobID)
            status = span.statusName
            durationNanoseconds = Int64(clamping: span.durationNanoseconds)
            payload = span.json
        case .log(let log):
            kind = .log
            timeNanoseconds = Int64(clamping: log.timestampNanoseconds)
            if let (high, low) = Self.traceColumns(log.traceID) {
                traceHigh = high
                traceLow = low
            }
            spanID = log.spanID.flatMap { TraceIDs.isValidSpanID($0) ? Int64(bitPattern: TraceIDs.spanValue($0)) : nil }
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
