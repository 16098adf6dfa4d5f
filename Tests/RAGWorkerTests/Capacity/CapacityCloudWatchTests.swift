import AWS
import Foundation
import Testing
import TestSupport

/// `rag-worker capacity` replaying a fleet's day from CloudWatch (moto, authentication on), as the
/// runbook tells on-call to do before changing the concurrency or the instance counts.
@Suite("rag-worker capacity on CloudWatch", .serialized)
struct CapacityCloudWatchTests {
    @Test("replay:cloudwatch and measured:cloudwatch read JobsAccepted, JobLatency and QueueWait of the endpoint")
    func replayFromCloudWatch() async throws {
        let moto = try await MotoServer.shared()
        let id = UUID().uuidString.prefix(8).lowercased()
        let endpoint = "capacity-\(id)", namespace = "RAGWorkerCapacity\(id)"
        let dimensions = [AWS.MetricDimension(name: "EndpointName", value: endpoint)]
        // Two minutes of a worker's metrics, 20 minutes ago: 5 then 3 jobs accepted; jobs of 30 s
        // after 10 s in the queue, then of 50 s after none.
        let minute = (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 20 * 60
        let first = Date(timeIntervalSince1970: minute), second = Date(timeIntervalSince1970: minute + 60)
        let cloudWatch = CloudWatchClient(client: moto.client())
        try await cloudWatch.putMetricData(namespace: namespace, data: [
            MetricDatum(metricName: "JobsAccepted", dimensions: dimensions, value: .single(5), unit: .count, timestamp: first),
            MetricDatum(metricName: "JobsAccepted", dimensions: dimensions, value: .single(3), unit: .count, timestamp: second),
            MetricDatum(metricName: "JobLatency", dimensions: dimensions, value: .distribution(values: [40], counts: [5]), unit: .seconds, timestamp: first),
            MetricDatum(metricName: "QueueWait", dimensions: dimensions, value: .distribution(values: [10], counts: [5]), unit: .seconds, timestamp: first),
            MetricDatum(metricName: "JobLatency", dimensions: dimensions, value: .distribution(values: [50], counts: [3]), unit: .seconds, timestamp: second),
            MetricDatum(metricName: "QueueWait", dimensions: dimensions, value: .distribution(values: [0], counts: [3]), unit: .seconds, timestamp: second),
        ])
        let result = try await runWorkerCommand(
            ["capacity", "--arrivals", "replay:cloudwatch", "--service", "measured:cloudwatch", "--endpoint", endpoint,
             "--namespace", namespace, "--since", "1h", "--instances", "1", "--concurrency", "4", "--json"],
            environment: moto.environment)
        #expect(result.status == 0, "\(result.output)")
        let json = String(result.output[result.output.firstIndex(of: "{")!...])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let inputs = try #require(document["inputs"] as? [String: Any])
        #expect(inputs["arrivals"] as? String == "replay of 8 acceptances")
        // Eight jobs: five of 30 s (40 − 10) and three of 50 s, as measured.
        #expect(inputs["mean_service_seconds"] as? Double == 37.5)
        let jobs = try #require((document["result"] as? [String: Any])?["jobs"] as? [String: Any])
        #expect(jobs["arrived"] as? Int == 8 && jobs["completed"] as? Int == 8)
        #expect(result.output.contains("reading CloudWatch metrics of endpoint \(endpoint)"))
    }
}
