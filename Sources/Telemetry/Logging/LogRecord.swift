import Logging

/// One log line, as the ring buffer and CloudWatch Logs receive it.
public struct LogRecord: Sendable {
    public var timestampNanoseconds: UInt64
    public var level: Logger.Level
    /// The logger's label, e.g. `rag.runner`.
    public var label: String
    public var message: String
    /// Handler, provider and call-site metadata merged (call site wins).
    public var metadata: Logger.Metadata
    /// The module that logged.
    public var source: String
    /// The description of the error passed to the log call, if any.
    public var error: String?

    public init(timestampNanoseconds: UInt64, level: Logger.Level, label: String, message: String,
                metadata: Logger.Metadata = [:], source: String = "", error: String? = nil) {
        self.timestampNanoseconds = timestampNanoseconds
        self.level = level
        self.label = label
        self.message = message
        self.metadata = metadata
        self.source = source
        self.error = error
    }

    /// `trace.id` from the metadata (set by the trace metadata provider inside a span).
    public var traceID: String? { metadata[LogKeys.traceID].map { "\($0)" } }
    /// `span.id` from the metadata.
    public var spanID: String? { metadata[LogKeys.spanID].map { "\($0)" } }
    /// `job.id` from the metadata.
    public var jobID: String? { metadata[LogKeys.jobID].map { "\($0)" } }
}
