import Synchronization

/// Counts an exporter keeps about its own work, for tests, benchmarks and `TelemetryDropped`.
public struct ExporterStatistics: Sendable, Equatable {
    /// Calls made to the destination (PutLogEvents or PutMetricData), successful or not.
    public var calls = 0
    /// Calls that failed.
    public var failedCalls = 0
    /// Events or datums the destination accepted.
    public var itemsSent = 0
    /// Records dropped: queue overflow, rejected or too-old events, batches given up on.
    public var dropped = 0

    public init() {}
}

/// Shared, locked statistics of one exporter; its queue's drop callback updates it too.
final class ExporterStatisticsBox: Sendable {
    private let value = Mutex(ExporterStatistics())

    var current: ExporterStatistics { value.withLock { $0 } }

    func update(_ body: (inout ExporterStatistics) -> Void) {
        value.withLock { body(&$0) }
    }
}
