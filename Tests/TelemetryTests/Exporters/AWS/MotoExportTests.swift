import AWS
import CoreMetrics
import Foundation
import Logging
import Testing
import TestSupport
import Tracing
@testable import Telemetry

/// The telemetry system exporting to moto (authentication on) through the AWS module: what the
/// jobs did is what CloudWatch reads back.
@Suite("Telemetry export to moto", .serialized)
struct MotoExportTests {
    private func configuration(_ directory: TemporaryDirectory, _ extra: [String: String] = [:]) throws -> TelemetryConfiguration {
        let id = UUID().uuidString.prefix(8).lowercased()
        return try TelemetryConfiguration(environment: [
            "RAG_DATA_DIR": directory.path, "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "moto-\(id)",
            "RAG_LOG_GROUP": "/rag-worker/moto-\(id)", "RAG_LOG_STREAM": "host/\(id)", "RAG_METRICS_NAMESPACE": "RAGWorkerTest\(id)",
        ].merging(extra) { $1 })
    }

    private func system(_ configuration: TelemetryConfiguration, client: AWSClient) throws -> TelemetrySystem {
        try TelemetrySystem(configuration: configuration, logLevel: .info,
                            destinations: CloudWatchDestinations(logs: AWSLogEventsSink(client: client), metrics: AWSMetricDataSink(client: client)),
                            logOutput: nil)
    }

    /// `count` jobs shaped like the worker's: a `rag.job` span continuing the job's trace, three
    /// stage spans, one log line inside, and the worker's metrics. Every fifth job fails.
    private func runJobs(_ count: Int, on system: TelemetrySystem) -> (traceIDs: [String], latencies: [Double]) {
        let tracer = system.tracer
        let logger = system.makeLogger(label: "rag.runner")
        let factory = system.metricsFactory
        let succeeded = Counter(label: MetricCatalogue.jobsSucceeded.name, factory: factory)
        let failed = Counter(label: MetricCatalogue.jobsFailed.name, factory: factory)
        let latency = Timer(label: MetricCatalogue.jobLatency.name, factory: factory)
        var traces: [String] = []
        var latencies: [Double] = []
        for index in 0..<count {
            let traceID = TraceIDs.newTraceID()
            traces.append(traceID)
            let context = tracer.context(continuingTrace: traceID)!
            tracer.withSpan("rag.job", context: context, ofKind: .consumer) { span in
                span.attributes[SpanAttributes.jobID] = "job-\(index)"
                for stage in [PipelineStage.embed, .generate, .persist] {
                    tracer.withSpan(stage.spanName) { stageSpan in
                        stageSpan.attributes[SpanAttributes.stage] = stage.rawValue
                        Timer(label: MetricCatalogue.stageLatency.name, dimensions: [("Stage", stage.rawValue)], factory: factory)
                            .recordNanoseconds(Int64(index + 1) * 1_000_000)
                    }
                }
                logger.info("job finished", metadata: [LogKeys.jobID: "job-\(index)"])
                span.attributes[SpanAttributes.outcome] = index % 5 == 4 ? "failed" : "succeeded"
            }
            index % 5 == 4 ? failed.increment() : succeeded.increment()
            // 1.234567891 s, 2.469135782 s, …: the exporter rounds to the microsecond.
            let nanoseconds = Int64(index + 1) * 1_234_567_891
            latency.recordNanoseconds(nanoseconds)
            latencies.append(Double(nanoseconds) / 1e9)
        }
        return (traces, latencies)
    }

    @Test("40 jobs, log events and metric statistics read back from moto match what the jobs did")
    func jobsMatch() async throws {
        let moto = try await MotoServer.shared()
        try await withTemporaryDirectory { directory in
            let configuration = try configuration(directory)
            let system = try system(configuration, client: moto.client())
            let (traces, latencies) = runJobs(40, on: system)
            await system.flush()

            let readBack = MotoReadBack(client: moto.client(), namespace: configuration.metricsNamespace, endpointName: configuration.endpointName)
            let events = try await readBack.events(group: configuration.logGroupName, stream: configuration.logStreamName)
            let spans = events.filter { $0["type"] as? String == "span" }
            let logs = events.filter { $0["type"] as? String == "log" }
            #expect(spans.count == 40 * 4)
            #expect(logs.count == 40)
            #expect(Set(spans.compactMap { $0["trace.id"] as? String }) == Set(traces))
            #expect(Set(logs.compactMap { $0["trace.id"] as? String }) == Set(traces))
            #expect(spans.filter { $0["name"] as? String == "rag.job" }.count == 40)

            let ok = try await readBack.statistics(MetricCatalogue.jobsSucceeded)
            let failed = try await readBack.statistics(MetricCatalogue.jobsFailed)
            #expect(ok.sum == 32)
            #expect(failed.sum == 8)
            let latency = try await readBack.statistics(MetricCatalogue.jobLatency)
            #expect(latency.count == 40)
            #expect(abs(latency.sum - latencies.reduce(0, +)) < 40 * 1e-6)
            #expect(abs((latency.minimum ?? 0) - latencies.min()!) < 1e-6)
            #expect(abs((latency.maximum ?? 0) - latencies.max()!) < 1e-6)
            let embed = try await readBack.statistics(MetricCatalogue.stageLatency, dimensions: ["Stage": "embed"])
            #expect(embed.count == 40)
            #expect(abs(embed.sum - Double(40 * 41 / 2) / 1000) < 1e-6)
            let dropped = try await readBack.statistics(MetricCatalogue.telemetryDropped)
            #expect(dropped.count == 0)
        }
    }

    @Test("latency report from moto's GetMetricData, plain statistics exact, percentiles noted as unavailable")
    func reportFromMoto() async throws {
        let moto = try await MotoServer.shared()
        try await withTemporaryDirectory { directory in
            let configuration = try configuration(directory)
            let system = try system(configuration, client: moto.client())
            _ = runJobs(10, on: system)
            await system.flush()
            let source = AWSMetricStatisticsSource(client: moto.client(), namespace: configuration.metricsNamespace)
            let report = try await CloudWatchReportBuilder(source: source, endpointName: configuration.endpointName)
                .build(range: .last(.seconds(3600), until: Date().addingTimeInterval(120)))
            #expect(report.volume == 10)
            #expect(report.failed == 2)
            #expect(report.errorRate == 0.2)
            #expect(report.endToEnd.count == 10)
            #expect(abs((report.endToEnd.maximum ?? 0) - 12.345679) < 1e-6)
            #expect(report.stages.first { $0.stage == "embed" }?.latency.count == 10)
            #expect(report.endToEnd.p99 == nil)
            // Percentiles moto cannot answer; failures by cause need the log group, which this builder was not given.
            #expect(report.notes.count == 2)
            #expect(report.notes.contains { $0.hasPrefix("Percentiles unavailable") })
            #expect(report.notes.contains { $0.hasPrefix("Failures by cause need the log group") })
        }
    }

    @Test("moto unreachable mid-run: callers never wait, the queue stays bounded, drops are counted, export resumes")
    func outage() async throws {
        let moto = try await MotoServer.shared()
        let motoPort = try #require(UInt16(moto.endpointURL.split(separator: ":").last ?? ""))
        let proxy = try TCPProxy(forwardingTo: motoPort)
        try await withTemporaryDirectory { directory in
            var settings = try configuration(directory, ["RAG_LOGS_FLUSH_SECONDS": "0.1", "RAG_METRICS_INTERVAL_SECONDS": "1"])
            settings.logsQueueCapacity = 200
            let configuration = settings
            let client = AWSClient(
                httpClient: moto.httpClient, configuration: AWSConfiguration(region: moto.region, endpoint: "http://127.0.0.1:\(proxy.port)"),
                credentialProvider: StaticCredentialProvider(moto.credentials), retryPolicy: .noRetries, timeout: .seconds(5))
            let system = try system(configuration, client: client)
            let logger = system.makeLogger(label: "rag.outage")
            let readBack = MotoReadBack(client: moto.client(), namespace: configuration.metricsNamespace, endpointName: configuration.endpointName)
            @Sendable func delivered() async throws -> [String] {
                // Nothing yet while the exporter has not created the group.
                let events = (try? await readBack.events(group: configuration.logGroupName, stream: configuration.logStreamName)) ?? []
                return events.compactMap { $0["message"] as? String }
            }
            try await whileRunning(system.services) {
                for index in 0..<20 { logger.info("before \(index)") }
                #expect(try await eventually { try await delivered().filter { $0.hasPrefix("before") }.count == 20 })

                proxy.stop()
                for index in 0..<2_000 {
                    logger.info("during \(index)")
                    if index % 100 == 0 { try await Task.sleep(for: .milliseconds(5)) }
                }
                #expect(try await eventually { (system.exporterStatistics()["logs"]?.failedCalls ?? 0) > 0 })
                let queued = system.exporterStatistics()
                #expect((queued["logs"]?.dropped ?? 0) >= 1_800 - 200)

                try proxy.start()
                for index in 0..<10 { logger.info("after \(index)") }
                #expect(try await eventually(timeout: .seconds(60)) { try await delivered().filter { $0.hasPrefix("after") }.count == 10 })
            }
            let messages = try await delivered()
            let statistics = system.exporterStatistics()["logs"]!
            // Every record is accounted for: delivered or counted as dropped (the exporter's own
            // warnings go to stdout and the ring buffer, not to this stream).
            let logged = messages.filter { $0.hasPrefix("before") || $0.hasPrefix("during") || $0.hasPrefix("after") }.count
            #expect(logged + statistics.dropped == 2_030)
            // What survives the outage: at most the queue (200) plus the one batch being retried.
            #expect(messages.filter { $0.hasPrefix("during") }.count <= 2 * 200)
            // The drops reached CloudWatch as TelemetryDropped.
            let dropped = try await readBack.statistics(MetricCatalogue.telemetryDropped)
            #expect(Int(dropped.sum) == statistics.dropped)
        }
        proxy.stop()
    }
}
