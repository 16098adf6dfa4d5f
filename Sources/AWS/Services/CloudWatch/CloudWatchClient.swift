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

/// The values of one GetMetricData query.
public struct MetricDataResult: Sendable, Equatable {
    public var id: String
    public var label: String?
    public var timestamps: [Date]
    public var values: [Double]
    /// `Complete`, `PartialData` (more pages were merged), `InternalError` or `Forbidden`.
    public var statusCode: String?

    public init(id: String, label: String? = nil, timestamps: [Date] = [], values: [Double] = [], statusCode: String? = nil) {
        self.id = id
        self.label = label
        self.timestamps = timestamps
        self.values = values
        self.statusCode = statusCode
    }

    init?(xml member: AWSXMLElement) {
        guard let id = member.string("Id") else { return nil }
        self.init(
            id: id, label: member.string("Label"),
            timestamps: member.members("Timestamps").compactMap { Timestamp.parse($0.text) },
            values: member.members("Values").compactMap { Double($0.trimmedText) },
            statusCode: member.string("StatusCode")
        )
    }

    mutating func append(_ page: MetricDataResult) {
        timestamps += page.timestamps
        values += page.values
        statusCode = page.statusCode ?? statusCode
        label = label ?? page.label
    }
}

/// One period of GetMetricStatistics.
public struct Datapoint: Sendable, Equatable {
    public var timestamp: Date
    public var sampleCount: Double?
    public var average: Double?
    public var sum: Double?
    public var minimum: Double?
    public var maximum: Double?
    public var unit: MetricUnit?
    /// Percentiles by name (`p99`), when asked for.
    public var extendedStatistics: [String: Double]

    init?(xml member: AWSXMLElement) {
        guard let timestamp = member.date("Timestamp") else { return nil }
        self.timestamp = timestamp
        sampleCount = member.double("SampleCount")
        average = member.double("Average")
        sum = member.double("Sum")
        minimum = member.double("Minimum")
        maximum = member.double("Maximum")
        unit = member.string("Unit").map(MetricUnit.init(rawValue:))
        var extended: [String: Double] = [:]
        for entry in member.child("ExtendedStatistics")?.children ?? [] {
            if let key = entry.string("key"), let value = entry.double("value") { extended[key] = value }
        }
        extendedStatistics = extended
    }
}
