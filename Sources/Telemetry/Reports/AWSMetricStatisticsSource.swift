import AWS
import Foundation

/// Reads the report's metric statistics with GetMetricData (the AWS module's client).
public struct AWSMetricStatisticsSource: MetricStatisticsSource {
    public let cloudWatch: CloudWatchClient
    public let namespace: String

    public init(client: AWSClient, namespace: String) {
        cloudWatch = CloudWatchClient(client: client)
        self.namespace = namespace
    }

    public func metricStatistics(_ queries: [MetricStatisticsQuery], start: Date, end: Date) async throws -> [String: [MetricStatisticsValue]] {
        let requests = queries.map { query in
            MetricDataQuery.stat(query.id, MetricStat(
                metric: Metric(namespace: namespace, metricName: query.metricName,
                               dimensions: query.dimensions.map { AWS.MetricDimension(name: $0.key, value: $0.value) }),
                period: query.period, stat: query.stat))
        }
        var answers: [String: [MetricStatisticsValue]] = [:]
        // GetMetricData takes at most 500 queries per call.
        for offset in stride(from: 0, to: requests.count, by: 500) {
            let page = Array(requests[offset..<min(offset + 500, requests.count)])
            for result in try await cloudWatch.getMetricData(queries: page, start: start, end: end) {
                answers[result.id] = zip(result.timestamps, result.values)
                    .map { MetricStatisticsValue(timestamp: $0.0, value: $0.1) }
                    .sorted { $0.timestamp < $1.timestamp }
            }
        }
        return answers
    }

    public func dimensionValues(metricName: String, dimension: String, filter: [MetricDimensionValue]) async throws -> [String] {
        let metrics = try await cloudWatch.listMetrics(
            namespace: namespace, metricName: metricName, dimensions: filter.map { AWS.MetricDimension(name: $0.key, value: $0.value) })
        var values: [String] = []
        for metric in metrics {
            for found in metric.dimensions where found.name == dimension && !values.contains(found.value) { values.append(found.value) }
        }
        return values.sorted()
    }
}
