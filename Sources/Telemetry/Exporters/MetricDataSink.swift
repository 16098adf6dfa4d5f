/// The one CloudWatch call the metrics exporter makes. The production implementation adapts the
/// AWS module's `CloudWatchClient`; tests point that adapter at a loopback server or moto.
public protocol MetricDataSink: Sendable {
    /// Sends one request, already within the datum-count and size limits.
    func putMetricData(namespace: String, datums: [CloudWatchDatum]) async throws
}
