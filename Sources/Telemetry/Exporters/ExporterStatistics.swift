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
    /// The oldest record's age, in seconds, of each batch accepted since the last ``takeLags()``.
    private let lags = Mutex<[Double]>([])

    var current: ExporterStatistics { value.withLock { $0 } }

    func update(_ body: (inout ExporterStatistics) -> Void) {
        value.withLock { body(&$0) }
    }

    /// Records that a batch whose oldest record was created at `oldestNanoseconds` was accepted
    /// now; at most ``maxLags`` are kept between two readings (self-monitoring reads every interval).
    func recordLag(oldestNanoseconds: UInt64, now: UInt64) {
        let seconds = Double(now &- min(oldestNanoseconds, now)) / 1e9
        lags.withLock { lags in
            if lags.count < Self.maxLags { lags.append(seconds) }
        }
    }

    /// The lags recorded since the last call.
    func takeLags() -> [Double] {
        lags.withLock { lags in
            defer { lags.removeAll(keepingCapacity: true) }
            return lags
        }
    }

    static let maxLags = 1_000
}
