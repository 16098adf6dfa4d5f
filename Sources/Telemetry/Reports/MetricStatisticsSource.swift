import Foundation

/// One GetMetricData query of a catalogue metric in the report's namespace.
public struct MetricStatisticsQuery: Sendable, Equatable {
    /// Starts with a lowercase letter; letters, digits and underscores.
    public var id: String
    public var metricName: String
    public var dimensions: [MetricDimensionValue]
    /// A statistic (`Sum`, `Maximum`, `SampleCount`), a percentile (`p99`) or a percentile rank (`PR(:120)`).
    public var stat: String
    /// Seconds, a multiple of 60.
    public var period: Int

    public init(id: String, metricName: String, dimensions: [MetricDimensionValue], stat: String, period: Int) {
        self.id = id
        self.metricName = metricName
        self.dimensions = dimensions
        self.stat = stat
        self.period = period
    }
}

/// One value of a query's time series.
public struct MetricStatisticsValue: Sendable, Equatable {
    public var timestamp: Date
    public var value: Double

    public init(timestamp: Date, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// Reads metric statistics for the CloudWatch-sourced report: GetMetricData in production
/// (an adapter over the AWS module's `CloudWatchClient`), a loopback server or moto in tests.
public protocol MetricStatisticsSource: Sendable {
    /// Runs `queries` over `[start, end)`; the answer maps each query id to its values, oldest first.
    func metricStatistics(_ queries: [MetricStatisticsQuery], start: Date, end: Date) async throws -> [String: [MetricStatisticsValue]]

    /// The values the dimension `dimension` takes in series of `metricName` that carry `filter`
    /// (ListMetrics), e.g. each model's `Provider` of `InputTokens`.
    func dimensionValues(metricName: String, dimension: String, filter: [MetricDimensionValue]) async throws -> [String]
}

extension MetricStatisticsSource {
    /// Sources that cannot list series have none to offer.
    public func dimensionValues(metricName: String, dimension: String, filter: [MetricDimensionValue]) async throws -> [String] { [] }
}
