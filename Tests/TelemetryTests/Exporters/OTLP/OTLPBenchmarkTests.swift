import Foundation
import Testing
@testable import Telemetry

/// `rag-worker bench telemetry --only otlp-span --only otlp-calls` measures what it says: the
/// figures in docs/performance.md come from these two, so their counting is tested (never their times).
@Suite("OTLP benchmarks")
struct OTLPBenchmarkTests {
    @Test("otlp-calls: 25,000 spans take 3 requests, the minimum by span count, and every span is sent")
    func calls() async throws {
        var benchmark = TelemetryBenchmark()
        benchmark.exportEvents = 25_000
        let result = try await benchmark.otlpCalls()
        #expect(result.value == 3)
        #expect(result.met)
        #expect(result.detail.contains("25000 spans sent, 0 dropped"), "\(result.detail)")
    }

    @Test("otlp-span: the spans enqueued are the spans encoded, batch after batch (the queue ends empty)")
    func spanCost() throws {
        var benchmark = TelemetryBenchmark()
        benchmark.spanIterations = 3_000
        let result = try benchmark.otlpSpanCost()
        #expect(result.value > 0)
        #expect(result.detail.contains("3 batches of 1000"), "\(result.detail)")
        #expect(result.detail.contains("protobuf bytes per span"))
    }

    @Test("the benchmark names include the OTLP pair, so --only accepts them")
    func names() {
        #expect(TelemetryBenchmark.names.suffix(2) == ["otlp-span", "otlp-calls"])
    }
}
