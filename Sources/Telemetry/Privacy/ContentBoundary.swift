/// Where records leave the process: every exporter that sends records off the instance
/// (CloudWatch Logs with EMF, PutMetricData, OTLP, and any added later) is a sink of this
/// boundary, never of the system's fan-out directly, so each receives records only after the
/// ``ContentPolicy`` (applied once per record, shared by all of them).
///
/// stdout is the one destination outside it: the log handler writes its lines itself and
/// applies the same policy first (``TelemetryLogHandler``).
public struct ContentBoundary: TelemetryRecordSink {
    public let policy: ContentPolicy
    /// The exporters behind the boundary.
    public let exporters: [any TelemetryRecordSink]

    public init(policy: ContentPolicy, exporters: [any TelemetryRecordSink]) {
        self.policy = policy
        self.exporters = exporters
    }

    public func submit(_ record: TelemetryRecord) {
        guard !exporters.isEmpty else { return }
        let outbound = policy.outbound(record)
        for exporter in exporters {
            exporter.submit(outbound)
        }
    }
}
