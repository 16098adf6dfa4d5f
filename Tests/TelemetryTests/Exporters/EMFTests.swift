import CoreMetrics
import Foundation
import Logging
import Testing
import TestSupport
@testable import Telemetry

@Suite("Embedded Metric Format")
struct EMFTests {
    @Test("RAG_EMF on, metrics written as EMF documents to the log group and not sent with PutMetricData")
    func documents() async throws {
        try await withTemporaryDirectory { directory in
            let logs = ScriptedLogEventsSink()
            let metrics = ScriptedMetricDataSink()
            let configuration = try TelemetryConfiguration(environment: [
                "RAG_DATA_DIR": directory.path, "RAG_CLOUDWATCH": "on", "RAG_EMF": "on", "RAG_ENDPOINT_NAME": "emf-test",
            ])
            let system = try TelemetrySystem(configuration: configuration, logLevel: .info,
                                             destinations: CloudWatchDestinations(logs: logs, metrics: metrics), logOutput: nil)
            let timer = Timer(label: MetricCatalogue.stageLatency.name, dimensions: [("Stage", "rerank"), ("job_id", "j-1")], factory: system.metricsFactory)
            for value in 1...250 { timer.recordNanoseconds(Int64(value) * 1_000_000) }
            Counter(label: MetricCatalogue.jobsAccepted.name, factory: system.metricsFactory).increment(by: 7)
            Counter(label: "library_internal_total", factory: system.metricsFactory).increment()
            await system.flush()

            #expect(metrics.attempts == 0)
            let documents = logs.deliveredEvents.compactMap { jsonObject($0.message) }.filter { $0["_aws"] != nil }
            let stage = documents.filter { $0["StageLatency"] != nil }
            #expect(stage.count == 3)
            let values = stage.flatMap { $0["StageLatency"] as? [Double] ?? [] }
            #expect(values.count == 250)
            #expect(values.max() == 0.25)
            let directive = try #require(((stage.first?["_aws"] as? [String: Any])?["CloudWatchMetrics"] as? [[String: Any]])?.first)
            #expect(directive["Namespace"] as? String == "RAGWorker")
            #expect(directive["Dimensions"] as? [[String]] == [["EndpointName", "Stage"]])
            let metric = try #require((directive["Metrics"] as? [[String: Any]])?.first)
            #expect(metric["Name"] as? String == "StageLatency")
            #expect(metric["Unit"] as? String == "Seconds")
            #expect(stage.allSatisfy { $0["Stage"] as? String == "rerank" && $0["EndpointName"] as? String == "emf-test" && $0["job_id"] == nil })
            let accepted = documents.filter { $0["JobsAccepted"] != nil }
            #expect(accepted.count == 1)
            #expect(accepted.first?["JobsAccepted"] as? Double == 7)
            #expect(!documents.contains { $0["library_internal_total"] != nil })
        }
    }
}
