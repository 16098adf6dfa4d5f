import AWS
import Foundation
import SQLite
import Testing
import TestSupport
@testable import Telemetry
@testable import WorkerTestSupport

/// The worker with its telemetry wired as `serve` should wire it, exporting to moto
/// (authentication on): what the jobs did is what CloudWatch reads back.
@Suite("Worker telemetry, end to end", .serialized)
struct WorkerTelemetryTests {
    private func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let id = UUID().uuidString.prefix(8).lowercased()
        return ["RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "e2e-\(id)", "RAG_LOG_GROUP": "/rag-worker/e2e-\(id)",
                "RAG_LOG_STREAM": "host/\(id)", "RAG_METRICS_NAMESPACE": "RAGWorkerE2E\(id)"].merging(extra) { $1 }
    }

    private func destinations(_ client: AWSClient) -> CloudWatchDestinations {
        CloudWatchDestinations(logs: AWSLogEventsSink(client: client), metrics: AWSMetricDataSink(client: client))
    }

    /// Sum and count of `name`'s metric intervals in the ring buffer (what was exported).
    private func ringBufferTotals(_ directory: TemporaryDirectory, _ name: String) async throws -> (count: Int, sum: Double) {
        let database = try SQLiteDatabase(path: directory.file("telemetry.sqlite"))
        let rows = try await database.read { try $0.query("SELECT payload FROM records WHERE kind = 'metric' AND name = ?", [name]) }
        var count = 0
        var sum = 0.0
        for row in rows {
            let object = jsonObject(row.string("payload") ?? "") ?? [:]
            count += object["count"] as? Int ?? 0
            sum += object["sum"] as? Double ?? 0
        }
        return (count, sum)
    }

    @Test("12 jobs through the worker, spans, log lines and metric statistics in moto match what the jobs did")
    func jobsReadBack() async throws {
        let moto = try await MotoServer.shared()
        let environment = environment()
        try await withTemporaryDirectory { directory in
            let ids = (0..<12).map { $0 % 4 == 3 ? "fail-\($0)" : "ok-\($0)" }
            let traces = try await InProcessWorker.withTelemetry(dataDirectory: directory.path, environment: environment,
                                                        destinations: destinations(moto.client()), pipeline: ScriptedPipeline.init) { worker in
                var traces: [String: String] = [:]
                for id in ids { traces[id] = try await worker.accept(id) }
                for id in ids {
                    #expect(try await worker.waitUntilFinished(id) == (id.hasPrefix("fail-") ? "failed" : "succeeded"))
                }
                return traces
            }
            let telemetry = try TelemetryConfiguration(environment: environment)
            let readBack = MotoReadBack(client: moto.client(), namespace: telemetry.metricsNamespace, endpointName: telemetry.endpointName)
            let events = try await readBack.events(group: telemetry.logGroupName, stream: telemetry.logStreamName)
            let spans = events.filter { $0["type"] as? String == "span" }
            let jobSpans = spans.filter { $0["name"] as? String == "rag.job" }
            #expect(jobSpans.count == 12)
            #expect(Set(jobSpans.compactMap { $0["trace.id"] as? String }) == Set(traces.values))
            for id in ids {
                let trace = try #require(traces[id])
                let names = Set(spans.filter { $0["trace.id"] as? String == trace }.compactMap { $0["name"] as? String })
                #expect(names.isSuperset(of: ["rag.validate", "rag.job", "rag.embed", "rag.generate"]), "\(id): \(names)")
            }
            let failedGenerate = spans.filter {
                $0["name"] as? String == "rag.generate" && $0["status"] as? String == "error"
            }
            #expect(failedGenerate.count == 3)
            #expect(failedGenerate.allSatisfy { ($0["attributes"] as? [String: Any])?[SpanAttributes.errorCode] as? String == "provider_unavailable" })
            let jobLogs = events.filter { $0["type"] as? String == "log" && ($0["message"] as? String ?? "").hasPrefix("job ") }
            #expect(Set(jobLogs.compactMap { $0["trace.id"] as? String }) == Set(traces.values))

            #expect(try await readBack.statistics(MetricCatalogue.jobsAccepted).sum == 12)
            #expect(try await readBack.statistics(MetricCatalogue.jobsSucceeded).sum == 9)
            #expect(try await readBack.statistics(MetricCatalogue.jobsFailed).sum == 3)
            let latency = try await readBack.statistics(MetricCatalogue.jobLatency)
            let recorded = try await ringBufferTotals(directory, MetricCatalogue.jobLatency.name)
            #expect(latency.count == 12)
            #expect(recorded.count == 12)
            #expect(abs(latency.sum - recorded.sum) < 12 * 1e-6)
            // Every job passed `embed`; the scripted pipeline times `generate` only when it succeeds.
            #expect(try await readBack.statistics(MetricCatalogue.stageLatency, dimensions: ["Stage": "embed"]).count == 12)
            #expect(try await readBack.statistics(MetricCatalogue.stageLatency, dimensions: ["Stage": "generate"]).count == 9)
        }
    }

    @Test("moto unreachable while jobs run: the worker keeps answering, the queue stays bounded, drops are counted, export resumes")
    func outage() async throws {
        let moto = try await MotoServer.shared()
        let proxy = try TCPProxy(forwardingTo: try #require(UInt16(moto.endpointURL.split(separator: ":").last ?? "")))
        defer { proxy.stop() }
        let environment = environment(["RAG_LOGS_FLUSH_SECONDS": "0.1", "RAG_LOGS_QUEUE_CAPACITY": "100", "RAG_METRICS_INTERVAL_SECONDS": "1"])
        let client = AWSClient(httpClient: moto.httpClient,
                               configuration: AWSConfiguration(region: moto.region, endpoint: "http://127.0.0.1:\(proxy.port)"),
                               credentialProvider: StaticCredentialProvider(moto.credentials), retryPolicy: .noRetries, timeout: .seconds(5))
        let telemetry = try TelemetryConfiguration(environment: environment)
        let readBack = MotoReadBack(client: moto.client(), namespace: telemetry.metricsNamespace, endpointName: telemetry.endpointName)
        @Sendable func exportedTraces() async -> Set<String> {
            let events = (try? await readBack.events(group: telemetry.logGroupName, stream: telemetry.logStreamName)) ?? []
            return Set(events.filter { $0["name"] as? String == "rag.job" }.compactMap { $0["trace.id"] as? String })
        }
        try await withTemporaryDirectory { directory in
            let statistics = try await InProcessWorker.withTelemetry(dataDirectory: directory.path, environment: environment,
                                                            destinations: destinations(client), pipeline: ScriptedPipeline.init) { worker in
                let before = try await worker.accept("before")
                _ = try await worker.waitUntilFinished("before")
                #expect(try await eventually { await exportedTraces().contains(before) })

                proxy.stop()
                let during = (0..<40).map { "during-\($0)" }
                for id in during {
                    _ = try await worker.accept(id)
                    #expect(try await worker.status("/ping") == 200)
                }
                for id in during { #expect(try await worker.waitUntilFinished(id) == "succeeded") }
                #expect(try await eventually { (worker.system?.exporterStatistics()["logs"]?.dropped ?? 0) > 0 })

                try proxy.start()
                let after = try await worker.accept("after")
                _ = try await worker.waitUntilFinished("after")
                #expect(try await eventually(timeout: .seconds(60)) { await exportedTraces().contains(after) })
                return try #require(worker.system)
            }.exporterStatistics()

            // Every span and log line the worker recorded (the ring buffer has them all) reached
            // CloudWatch or was counted as dropped; the exporters' own warnings stay local.
            // Delivery is at least once: a PutLogEvents whose answer was cut when the proxy
            // stopped may have been stored and is then sent again, so events count once each.
            let database = try SQLiteDatabase(path: directory.file("telemetry.sqlite"))
            let recorded = try await database.read {
                try $0.queryFirst("SELECT COUNT(*) AS n FROM records WHERE kind IN ('span', 'log') AND (name IS NULL OR name != 'rag.telemetry')")?.int("n")
            } ?? 0
            let exported = Set(try await readBack.messages(group: telemetry.logGroupName, stream: telemetry.logStreamName)).count
            let logs = try #require(statistics["logs"])
            #expect(logs.dropped > 0)
            // A batch whose answer was lost when the proxy stopped counts as dropped although
            // CloudWatch may have stored it: the two may overlap by that batch, never fall short.
            let overlap = exported + logs.dropped - recorded
            #expect(exported <= recorded && overlap >= 0 && overlap <= 100,
                    "exported \(exported) + dropped \(logs.dropped) against \(recorded) recorded")
            let droppedMetric = try await readBack.statistics(MetricCatalogue.telemetryDropped)
            #expect(Int(droppedMetric.sum) == logs.dropped + (statistics["metrics"]?.dropped ?? 0))

            // The telemetry's own numbers reached CloudWatch too: one heartbeat per interval, the
            // exporters' calls and failed calls (the outage), and how late their batches arrived.
            #expect(try await readBack.statistics(MetricCatalogue.heartbeat).sum >= 1)
            let logsExporter = [MetricDimension.provider.rawValue: "cloudwatch-logs"]
            let calls = try await readBack.statistics(MetricCatalogue.telemetryExportCalls, dimensions: logsExporter).sum
            let failures = try await readBack.statistics(MetricCatalogue.telemetryExportFailures, dimensions: logsExporter).sum
            #expect(failures > 0 && calls > failures, "calls \(calls), failures \(failures)")
            #expect(Int(calls) <= logs.calls && Int(failures) <= logs.failedCalls)
            let lag = try await readBack.statistics(MetricCatalogue.telemetryExportLag, dimensions: logsExporter)
            #expect(lag.count > 0)
            // Records kept through the outage were sent late: the largest lag passes the flush interval (0.1 s).
            #expect((lag.maximum ?? 0) > 0.1, "largest lag \(lag.maximum ?? 0) s")
        }
    }
}
