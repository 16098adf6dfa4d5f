import AWS
import Curl
import Foundation
import Logging
import Testing
import TestSupport
@testable import Telemetry

/// The exporters through the AWS module's clients against loopback CloudWatch doubles: what
/// goes over the wire, request by request.
@Suite("CloudWatch exporters on the wire")
struct AWSSinksLoopbackTests {
    private static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    private func logsExporter(_ baseURL: String, http: CurlHTTPClient, queue: Int = 50_000) -> CloudWatchLogsExporter<ContinuousClock> {
        var configuration = CloudWatchLogsExporter<ContinuousClock>.Configuration(
            logGroup: "/rag-worker/wire", logStream: "host/1", flushInterval: .seconds(60), queueCapacity: queue, shutdownTimeout: .seconds(5))
        configuration.backoff = Backoff(base: .milliseconds(10), maximum: .milliseconds(50), jitter: .none)
        return CloudWatchLogsExporter(configuration: configuration, sink: AWSLogEventsSink(client: loopbackAWSClient(baseURL, http: http)),
                                      emf: nil, clock: ContinuousClock(), logger: Self.quiet, onDrop: { _ in })
    }

    private func puts(_ recorder: RequestRecorder) async -> [[String: Any]] {
        await recorder.requests.filter { $0.header("X-Amz-Target") == "Logs_20140328.PutLogEvents" }.compactMap(\.jsonObject)
    }

    @Test("20,000 records with multi-byte text near the event limit, every PutLogEvents body within every limit")
    func putLogEventsLimits() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(fallback: cloudWatchSuccess)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        try await withLoopbackServer(scriptedCloudWatchRouter(recorder: recorder, responses: responses)) { baseURL in
            let exporter = logsExporter(baseURL, http: http)
            let near = String(repeating: "ж漢😀", count: 28_000)  // 252,000 bytes of 2-, 3- and 4-byte characters
            for index in 0..<20_000 {
                let message = index % 1_000 == 0 ? near : "line \(index) ünïcödé"
                exporter.submit(.log(LogRecord(timestampNanoseconds: now - UInt64(20_000 - index) * 1_000_000, level: .info,
                                               label: "rag.wire", message: message)))
            }
            await exporter.forceFlush()
            #expect(exporter.statistics.itemsSent == 20_000)
            #expect(exporter.statistics.dropped == 0)
        }
        let bodies = await puts(recorder)
        var delivered = 0
        for body in bodies {
            let events = try #require(body["logEvents"] as? [[String: Any]])
            let messages = events.compactMap { $0["message"] as? String }
            let times = events.compactMap { ($0["timestamp"] as? NSNumber)?.int64Value }
            #expect(events.count <= 10_000)
            #expect(messages.reduce(0) { $0 + $1.utf8.count + 26 } <= 1_048_576)
            #expect(messages.allSatisfy { $0.utf8.count + 26 <= 262_144 })
            #expect(times == times.sorted())
            #expect((times.last ?? 0) - (times.first ?? 0) < 86_400_000)
            #expect(body["logGroupName"] as? String == "/rag-worker/wire")
            delivered += events.count
        }
        #expect(delivered == 20_000)
        let targets = await recorder.requests.compactMap { $0.header("X-Amz-Target") }
        #expect(targets.prefix(2) == ["Logs_20140328.CreateLogGroup", "Logs_20140328.CreateLogStream"])
    }

    @Test("ThrottlingException twice, then accepted: the batch arrives once")
    func throttled() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(fallback: cloudWatchSuccess)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await withLoopbackServer(scriptedCloudWatchRouter(recorder: recorder, responses: responses)) { baseURL in
            let exporter = logsExporter(baseURL, http: http)
            // group, stream, then the first two puts are throttled.
            await responses.enqueue([logsOK, logsOK, logsError(400, "ThrottlingException"), logsError(400, "ThrottlingException")])
            exporter.submit(.log(LogRecord(timestampNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), level: .warning, label: "rag", message: "once")))
            await exporter.forceFlush()
            #expect(exporter.statistics.failedCalls == 2)
            #expect(exporter.statistics.itemsSent == 1)
        }
        #expect(await puts(recorder).count == 3)
    }

    @Test("ResourceNotFoundException on a put, group and stream created again and the batch delivered")
    func recreates() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(fallback: cloudWatchSuccess)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await withLoopbackServer(scriptedCloudWatchRouter(recorder: recorder, responses: responses)) { baseURL in
            let exporter = logsExporter(baseURL, http: http)
            await responses.enqueue([logsError(400, "ResourceAlreadyExistsException"), logsOK, logsError(400, "ResourceNotFoundException")])
            exporter.submit(.log(LogRecord(timestampNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9), level: .info, label: "rag", message: "x")))
            await exporter.forceFlush()
            #expect(exporter.statistics.itemsSent == 1)
        }
        let targets = await recorder.requests.compactMap { $0.header("X-Amz-Target")?.replacingOccurrences(of: "Logs_20140328.", with: "") }
        #expect(targets == ["CreateLogGroup", "CreateLogStream", "PutLogEvents", "CreateLogGroup", "CreateLogStream", "PutLogEvents"])
    }

    @Test("PutMetricData for 20,000 distinct timer values: every body within 1 MB and 1,000 datums, counts add up")
    func putMetricDataLimits() async throws {
        let recorder = RequestRecorder()
        let responses = ScriptedResponses(fallback: cloudWatchSuccess)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        try await withLoopbackServer(scriptedCloudWatchRouter(recorder: recorder, responses: responses)) { baseURL in
            let exporter = CloudWatchMetricsExporter(
                configuration: .init(namespace: "RAGWorker", endpointName: "wire", storageResolution: 60, queueCapacity: 100,
                                     flushInterval: .seconds(60), shutdownTimeout: .seconds(5)),
                sink: AWSMetricDataSink(client: loopbackAWSClient(baseURL, http: http)), clock: ContinuousClock(),
                logger: Self.quiet, onDrop: { _ in })
            let factory = TelemetryMetricsFactory()
            for stage in PipelineStage.allCases {
                let timer = Timer(label: MetricCatalogue.stageLatency.name, dimensions: [("Stage", stage.rawValue)], factory: factory)
                for value in 0..<2_500 { timer.recordNanoseconds(Int64(value) * 12_345_678 + 1_000) }
            }
            for aggregate in factory.collect(from: 1_700_000_000_000_000_000, to: 1_700_000_060_000_000_000) {
                exporter.submit(.metric(aggregate))
            }
            await exporter.forceFlush()
            #expect(exporter.statistics.failedCalls == 0)
        }
        let requests = await recorder.requests
        // 136 datums of about 13 KB each: the byte limit, not the datum limit, splits them.
        #expect(requests.count == 2)
        var samples = 0.0
        for request in requests {
            #expect(request.body.count <= 1_048_576)
            let fields = formFields(request.body)
            #expect(fields["Action"] == "PutMetricData")
            let datums = fields.keys.filter { $0.hasPrefix("MetricData.member.") && $0.hasSuffix(".MetricName") }
            #expect(datums.count <= 1_000)
            for (key, value) in fields where key.contains(".Counts.member.") { samples += Double(value) ?? 0 }
            #expect(fields.keys.filter { $0.contains(".Values.member.151") }.isEmpty)
        }
        #expect(samples == Double(8 * 2_500))
    }
}

import CoreMetrics
