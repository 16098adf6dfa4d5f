import AWS

/// The PutMetricData destination of ``CloudWatchMetricsExporter``: the AWS module's client, one
/// attempt per call (the exporter owns retries).
public struct AWSMetricDataSink: MetricDataSink {
    public let cloudWatch: CloudWatchClient

    public init(client: AWSClient) {
        cloudWatch = CloudWatchClient(client: client.with(retryPolicy: .noRetries))
    }

    public func putMetricData(namespace: String, datums: [CloudWatchDatum]) async throws {
        try await TelemetryExportError.mapping {
            try await cloudWatch.putMetricData(namespace: namespace, data: datums.map(Self.datum))
        }
    }

    static func datum(_ datum: CloudWatchDatum) -> AWS.MetricDatum {
        let value: AWS.MetricDatum.Value = switch datum.value {
        case .single(let number): .single(number)
        case .distribution(let values, let counts): .distribution(values: values, counts: counts)
        case .statistics(let sampleCount, let sum, let minimum, let maximum):
            .statistics(StatisticSet(sampleCount: sampleCount, sum: sum, minimum: minimum, maximum: maximum))
        }
        return AWS.MetricDatum(
            metricName: datum.metricName,
            dimensions: datum.dimensions.map { AWS.MetricDimension(name: $0.key, value: $0.value) },
            value: value, unit: AWS.MetricUnit(rawValue: datum.unit.rawValue), timestamp: datum.timestamp,
            storageResolution: datum.storageResolution)
    }
}
