import ServiceLifecycle

/// An exporter: accepts records without blocking (``TelemetryRecordSink/submit(_:)``), sends them
/// in batches from its `run()` loop, and flushes what is left when the service group shuts down.
public protocol TelemetryExporter: TelemetryRecordSink, Service {
    /// Sends everything queued now and returns when it was sent, dropped or re-queued.
    func forceFlush() async
    /// Ends the `run()` loop; `run()` then flushes once more within its shutdown time limit.
    func shutdown()
}
