import AWS
import Foundation
import TestSupport
@testable import Telemetry

/// Reads back what the exporters sent to moto.
struct MotoReadBack: Sendable {
    let logs: CloudWatchLogsClient
    let cloudWatch: CloudWatchClient
    let namespace: String
    let endpointName: String

    init(client: AWSClient, namespace: String, endpointName: String) {
        logs = CloudWatchLogsClient(client: client)
        cloudWatch = CloudWatchClient(client: client)
        self.namespace = namespace
        self.endpointName = endpointName
    }

    /// Every event of the stream, oldest first, as JSON objects.
    func events(group: String, stream: String) async throws -> [[String: Any]] {
        try await messages(group: group, stream: stream).compactMap(jsonObject)
    }

    /// Every event's message text, oldest first.
    func messages(group: String, stream: String) async throws -> [String] {
        var messages: [String] = []
        var token: String?
        while true {
            let page = try await logs.getLogEvents(group: group, stream: stream, startFromHead: true, limit: 10_000, nextToken: token)
            messages += page.events.map(\.message)
            if page.events.isEmpty || page.nextForwardToken == nil || page.nextForwardToken == token { break }
            token = page.nextForwardToken
        }
        return messages
    }

    /// The metric's statistics over the last two hours, summed (counts, sums) or combined (min, max) over periods.
    func statistics(_ metric: MetricDefinition, dimensions extra: [String: String] = [:]) async throws -> (count: Double, sum: Double, minimum: Double?, maximum: Double?) {
        var dimensions = [AWS.MetricDimension(name: "EndpointName", value: endpointName)]
        dimensions += extra.sorted { $0.key < $1.key }.map { AWS.MetricDimension(name: $0.key, value: $0.value) }
        let now = Date()
        let points = try await cloudWatch.getMetricStatistics(
            metric: Metric(namespace: namespace, metricName: metric.name, dimensions: dimensions),
            start: now.addingTimeInterval(-7200), end: now.addingTimeInterval(600), period: 60,
            statistics: [.sampleCount, .sum, .minimum, .maximum])
        return (points.compactMap(\.sampleCount).reduce(0, +), points.compactMap(\.sum).reduce(0, +),
                points.compactMap(\.minimum).min(), points.compactMap(\.maximum).max())
    }
}

/// Polls `condition` every 200 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}
