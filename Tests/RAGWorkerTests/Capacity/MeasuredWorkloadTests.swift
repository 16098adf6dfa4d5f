import Foundation
import Testing
import TestSupport
import Tracing

@testable import RAGWorker
@testable import Telemetry

/// The measured inputs of `rag-worker capacity`: acceptance times and service times from one
/// instance's ring buffer and from the fleet's CloudWatch metrics.
@Suite("Measured workload for the capacity simulator")
struct MeasuredWorkloadTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// A finished job as the worker records it: `rag.validate` at acceptance, `rag.job` for the run.
    static func job(_ id: String, acceptedAfter accepted: Double, wait: Double, service: Double) -> [TelemetryRecord] {
        func ns(_ seconds: Double) -> UInt64 { UInt64((start.timeIntervalSince1970 + seconds) * 1e9) }
        let trace = W3CTraceparent.newTraceID()
        let validate = TelemetrySpanContext(traceID: trace, spanID: W3CTraceparent.randomHex(bytes: 8))
        return [
            .span(SpanRecord(name: "rag.validate", context: validate, kind: .server, startNanoseconds: ns(accepted),
                             endNanoseconds: ns(accepted + 0.001), attributes: [SpanAttributes.jobID: .string(id)])),
            .span(SpanRecord(name: "rag.job", context: TelemetrySpanContext(traceID: trace, spanID: W3CTraceparent.randomHex(bytes: 8)),
                             parentSpanID: validate.spanID, kind: .consumer, startNanoseconds: ns(accepted + wait),
                             endNanoseconds: ns(accepted + wait + service),
                             attributes: [SpanAttributes.jobID: .string(id), SpanAttributes.outcome: "succeeded"])),
        ]
    }

    @Test("ring buffer: each finished job's acceptance (from the range's start) and its run's duration")
    func ringBuffer() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RingBufferStore(path: directory.file("telemetry.sqlite"), limits: RingBufferLimits(maxRows: 10_000, maxBytes: 10_000_000))
            try await store.append(Self.job("a", acceptedAfter: 10, wait: 1, service: 12)
                + Self.job("b", acceptedAfter: 70, wait: 3, service: 30) + Self.job("c", acceptedAfter: 400, wait: 0.5, service: 8))
            let range = ReportRange(start: Self.start, end: Self.start.addingTimeInterval(3600))
            let workload = try await RingBufferWorkloadSource(store: store).workload(in: range)
            #expect(workload.acceptOffsets.map { ($0 * 1000).rounded() / 1000 } == [10, 70, 400])
            #expect(workload.serviceTimes.map { ($0 * 1000).rounded() / 1000 }.sorted() == [8, 12, 30])
        }
    }

    /// Answers GetMetricData-shaped queries with two minutes of numbers.
    struct ScriptedStatistics: MetricStatisticsSource {
        func metricStatistics(_ queries: [MetricStatisticsQuery], start: Date, end: Date) async throws -> [String: [MetricStatisticsValue]] {
            let minutes = [start, start.addingTimeInterval(60)]
            func series(_ values: [Double]) -> [MetricStatisticsValue] { zip(minutes, values).map { MetricStatisticsValue(timestamp: $0, value: $1) } }
            var answers: [String: [MetricStatisticsValue]] = [:]
            for query in queries {
                #expect(query.period == 60 && query.dimensions == [MetricDimensionValue("EndpointName", "rag-worker-prod")])
                answers[query.id] = switch (query.metricName, query.stat) {
                case ("JobsAccepted", "Sum"): series([4, 2])
                case ("JobLatency", "Average"): series([25, 50])
                case ("JobLatency", "SampleCount"): series([3, 1])
                case ("QueueWait", "Average"): series([5, 10])
                default: []
                }
            }
            return answers
        }
    }

    @Test("CloudWatch: JobsAccepted spread evenly over each minute; JobLatency minus QueueWait per minute, by its sample count")
    func cloudWatch() async throws {
        let range = ReportRange(start: Self.start, end: Self.start.addingTimeInterval(120))
        let workload = try await CloudWatchWorkloadSource(source: ScriptedStatistics(), endpointName: "rag-worker-prod").workload(in: range)
        #expect(workload.acceptOffsets == [7.5, 22.5, 37.5, 52.5, 75, 105])
        #expect(workload.serviceTimes == [20, 20, 20, 40])
    }
}
