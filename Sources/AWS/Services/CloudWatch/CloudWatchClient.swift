import Foundation

/// CloudWatch metrics, alarms and dashboards over the query protocol (`Version=2010-08-01`).
///
/// [API reference](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/Welcome.html)
public struct CloudWatchClient: Sendable {
    /// PutMetricData accepts at most this many datums per request (and 1 MB).
    public static let maximumDatumsPerRequest = 1000

    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Sends one PutMetricData request.
    ///
    /// - Throws: ``AWSError`` `.invalidRequest` (naming the datum) before sending when a datum
    ///   breaks CloudWatch's rules or there are more than ``maximumDatumsPerRequest``.
    public func putMetricData(namespace: String, data: [MetricDatum]) async throws {
        let operation = "PutMetricData"
        guard !data.isEmpty else { return }
        guard data.count <= Self.maximumDatumsPerRequest else {
            throw invalid(operation, "\(data.count) datums exceed \(Self.maximumDatumsPerRequest) per request")
        }
        if let problem = data.lazy.compactMap(\.problem).first { throw invalid(operation, problem) }
        var parameters = QueryParameters()
        parameters.add("Namespace", namespace)
        parameters.addMembers("MetricData", data) { parameters, prefix, datum in
            datum.encode(into: &parameters, prefix: prefix)
        }
        _ = try await client.query(service: .cloudWatch, action: operation, parameters: parameters)
    }

    /// Reads the queries' values between `start` and `end`, following every page; results keep
    /// the order of `queries`, values in the order CloudWatch returns them (newest first by default).
    public func getMetricData(queries: [MetricDataQuery], start: Date, end: Date) async throws -> [MetricDataResult] {
        var merged: [String: MetricDataResult] = [:]
        var nextToken: String?
        repeat {
            var parameters = QueryParameters()
            parameters.addMetricDataQueries("MetricDataQueries", queries)
            parameters.add("StartTime", start)
            parameters.add("EndTime", end)
            parameters.add("NextToken", nextToken)
            let result = try await client.query(service: .cloudWatch, action: "GetMetricData", parameters: parameters)
            for member in result.members("MetricDataResults") {
                guard let page = MetricDataResult(xml: member) else { continue }
                merged[page.id, default: MetricDataResult(id: page.id, label: page.label)].append(page)
            }
            nextToken = result.string("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return queries.compactMap { merged[$0.id] }
    }

    /// Reads standard statistics (and percentiles in `extendedStatistics`) of one metric.
    public func getMetricStatistics(
        metric: Metric, start: Date, end: Date, period: Int, statistics: [Statistic],
        extendedStatistics: [String] = [], unit: MetricUnit? = nil
    ) async throws -> [Datapoint] {
        var parameters = QueryParameters()
        parameters.add("Namespace", metric.namespace)
        parameters.add("MetricName", metric.metricName)
        parameters.addDimensions("Dimensions", metric.dimensions)
        parameters.add("StartTime", start)
        parameters.add("EndTime", end)
        parameters.add("Period", period)
        parameters.addList("Statistics", statistics.map(\.rawValue))
        parameters.addList("ExtendedStatistics", extendedStatistics)
        parameters.add("Unit", unit?.rawValue)
        let result = try await client.query(service: .cloudWatch, action: "GetMetricStatistics", parameters: parameters)
        return result.members("Datapoints").compactMap(Datapoint.init(xml:)).sorted { $0.timestamp < $1.timestamp }
    }

    func invalid(_ operation: String, _ message: String) -> AWSError {
        AWSError(kind: .invalidRequest, service: AWSService.cloudWatch.id, operation: operation, message: message)
    }
}
