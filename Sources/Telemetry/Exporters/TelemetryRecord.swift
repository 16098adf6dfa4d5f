/// One unit of telemetry on its way to the ring buffer and the exporters.
///
/// Indirect: a record is boxed once and shared by every queue it enters, instead of each queue
/// copying and retaining a span's fields.
public indirect enum TelemetryRecord: Sendable {
    case span(SpanRecord)
    case log(LogRecord)
    case metric(MetricAggregate)

    /// When the record happened, for ordering log events: a span's end, a log's time, a metric interval's end.
    public var timestampNanoseconds: UInt64 {
        switch self {
        case .span(let span): span.endNanoseconds
        case .log(let log): log.timestampNanoseconds
        case .metric(let metric): metric.intervalEndNanoseconds
        }
    }
}

/// Receives finished telemetry. Implementations must return at once (enqueue, never I/O):
/// they are called on the request path.
public protocol TelemetryRecordSink: Sendable {
    func submit(_ record: TelemetryRecord)
}

/// Hands every record to each of several sinks.
public struct FanOutSink: TelemetryRecordSink {
    public let sinks: [any TelemetryRecordSink]

    public init(_ sinks: [any TelemetryRecordSink]) {
        self.sinks = sinks
    }

    public func submit(_ record: TelemetryRecord) {
        for sink in sinks {
            sink.submit(record)
        }
    }
}
