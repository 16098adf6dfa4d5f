import Logging
import Tracing

/// A swift-log backend: each record becomes a JSON line on stdout and a ``LogRecord`` for the
/// ring buffer and CloudWatch Logs.
///
/// stdout leaves the process (SageMaker ships it to CloudWatch Logs), so the line is written from
/// the record as the ``ContentPolicy`` lets it leave; the sink receives the record as written
/// (the ring buffer keeps it, the exporters' ``ContentBoundary`` applies the same policy).
///
/// Its default metadata provider adds `trace.id` and `span.id` from `ServiceContext.current`.
public struct TelemetryLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: (any LogLineWriter)?
    private let sink: any TelemetryRecordSink
    private let policy: ContentPolicy

    /// - Parameters:
    ///   - label: the logger's label, written as `label`.
    ///   - logLevel: records below it are dropped before they reach the handler.
    ///   - output: where JSON lines go (stdout in production); nil writes none.
    ///   - sink: receives every record (ring buffer, CloudWatch Logs).
    ///   - metadataProvider: defaults to ``Logging/Logger/MetadataProvider/telemetryTrace``.
    ///   - policy: what of a record may reach `output`; the system passes its own, whose screen
    ///     knows the jobs in progress.
    public init(
        label: String, logLevel: Logger.Level, output: (any LogLineWriter)?, sink: any TelemetryRecordSink,
        metadataProvider: Logger.MetadataProvider? = .telemetryTrace, policy: ContentPolicy = ContentPolicy()
    ) {
        self.policy = policy
        self.label = label
        self.logLevel = logLevel
        self.output = output
        self.sink = sink
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let callSite = event.metadata, !callSite.isEmpty {
            merged.merge(callSite) { _, new in new }
        }
        let record = LogRecord(
            timestampNanoseconds: DefaultTracerClock.now.nanosecondsSinceEpoch,
            level: event.level, label: label, message: event.message.description,
            metadata: merged, source: event.source, error: event.error.map { String(describing: $0) }
        )
        if let output {
            let outbound = policy.outbound(record)
            var writer = JSONWriter(capacity: 256 + outbound.message.utf8.count)
            outbound.writeJSON(into: &writer)
            output.write(line: writer.bytes)
        }
        sink.submit(.log(record))
    }
}
