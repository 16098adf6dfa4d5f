import Foundation

extension CloudWatchClient {
    /// The metrics of `namespace` named `metricName` that have every dimension of `dimensions`
    /// (ListMetrics; metrics with data in the last two weeks), following every page.
    ///
    /// [ListMetrics](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html)
    public func listMetrics(namespace: String, metricName: String, dimensions: [MetricDimension] = []) async throws -> [Metric] {
        var metrics: [Metric] = []
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.add("Namespace", namespace)
            parameters.add("MetricName", metricName)
            parameters.addDimensions("Dimensions", dimensions)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .cloudWatch, action: "ListMetrics", parameters: parameters)
            metrics += result.members("Metrics").compactMap { member in
                guard let name = member.string("MetricName") else { return nil }
                let found = member.members("Dimensions").compactMap { dimension -> MetricDimension? in
                    guard let key = dimension.string("Name"), let value = dimension.string("Value") else { return nil }
                    return MetricDimension(name: key, value: value)
                }
                return Metric(namespace: member.string("Namespace") ?? namespace, metricName: name, dimensions: found)
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return metrics
    }
}
