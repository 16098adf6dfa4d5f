import Foundation

/// p50/p90/p99/max of a set of latencies, in seconds (nearest rank, as everywhere in telemetry).
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: Int
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var maximum: Double?
    public var mean: Double?

    public init(count: Int, p50: Double?, p90: Double?, p99: Double?, maximum: Double?, mean: Double?) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.maximum = maximum
        self.mean = mean
    }

    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double? { sorted.isEmpty ? nil : sorted[Percentiles.rankIndex(p, count: sorted.count)] }
        p50 = rank(0.5)
        p90 = rank(0.9)
        p99 = rank(0.99)
        maximum = sorted.last
        mean = sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }
}

/// The report for stakeholders: how fast (volume, latency percentiles end to end and per stage,
/// share of jobs within the objective, error and webhook success rates), how good (the quality
/// section), how expensive (the cost section), and why jobs failed (failures by cause).
public struct LatencyReport: Sendable, Codable, Equatable {
    /// Where the numbers come from.
    public enum Source: String, Sendable, Codable {
        case ringBuffer = "ring-buffer"
        case cloudWatch = "cloudwatch"
    }

    public struct StageLatency: Sendable, Codable, Equatable {
        public var stage: String
        public var latency: LatencySummary
    }

    public struct WebhookSummary: Sendable, Codable, Equatable {
        /// Jobs with at least one delivery attempt (ring buffer) or deliveries plus dead letters (CloudWatch).
        public var jobs: Int
        public var delivered: Int
        /// Attempts made (ring buffer only).
        public var attempts: Int?
        public var successRate: Double?
    }

    /// How many jobs took between `lowerSeconds` and `upperSeconds` (upper excluded; nil = no bound).
    public struct HistogramBucket: Sendable, Codable, Equatable {
        public var lowerSeconds: Double
        public var upperSeconds: Double?
        public var count: Int
    }

    public struct PercentilePoint: Sendable, Codable, Equatable {
        public var percentile: Double
        public var seconds: Double
    }

    /// Jobs finished in one time bucket.
    public struct TimeBucket: Sendable, Codable, Equatable {
        public var start: Date
        public var count: Int
        public var p50: Double?
        public var p99: Double?
        public var maximum: Double?
    }

    /// One job, for the latency-over-time chart (ring buffer only).
    public struct Point: Sendable, Codable, Equatable {
        public var time: Date
        public var seconds: Double
        public var failed: Bool
    }

    public var range: ReportRange
    public var source: Source
    public var objectiveSeconds: Double
    /// Jobs finished in the range.
    public var volume: Int
    public var succeeded: Int
    public var failed: Int
    public var errorRate: Double?
    /// Share (0...1) of finished jobs whose end-to-end latency was within the objective.
    public var shareWithinObjective: Double?
    public var endToEnd: LatencySummary
    public var stages: [StageLatency]
    public var webhook: WebhookSummary
    /// Ring buffer: a histogram of end-to-end latency.
    public var distribution: [HistogramBucket]
    /// Percentiles from p10 to p99 (both sources), for the distribution chart.
    public var percentiles: [PercentilePoint]
    public var overTime: [TimeBucket]
    public var bucketSeconds: Double
    public var points: [Point]
    /// What the report could not include and why (e.g. percentiles a source does not answer).
    public var notes: [String] = []
    /// Quality of the delivered proposals; nil when the range has none with quality signals.
    public var quality: QualitySection?
    /// Cost of the jobs; nil when the range has no recorded cost.
    public var cost: CostSection?
    /// Failed jobs by error code, stage and provider.
    public var failures: [FailureCause] = []
}
