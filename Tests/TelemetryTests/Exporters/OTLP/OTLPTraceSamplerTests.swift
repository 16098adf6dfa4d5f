import Testing
import Tracing
@testable import Telemetry

@Suite("OTLP trace sampler")
struct OTLPTraceSamplerTests {
    private static let second: UInt64 = 1_000_000_000

    /// A span of trace `trace` (its low half chosen so the ratio never keeps it).
    private func span(_ name: String, trace: UInt64, start: UInt64, end: UInt64, failed: Bool = false) -> SpanRecord {
        SpanRecord(name: name, context: TelemetrySpanContext(traceHigh: trace, traceLow: 0x00FF_FFFF_FFFF_FFFF, spanValue: UInt64.random(in: 1...UInt64.max)),
                   parentSpanValue: 0, kind: .internal, startNanoseconds: start, endNanoseconds: end, attributes: [:], events: [],
                   status: failed ? SpanStatus(code: .error) : nil, errors: [], links: [])
    }

    @Test("always_off, a successful quick trace, nothing is exported")
    func quickTraceSampledOut() {
        let sampler = OTLPTraceSampler(.init(name: "always_off", ratio: 0))
        let base = 1_000 * Self.second
        #expect(sampler.admit(span("rag.validate", trace: 1, start: base, end: base + 1)).isEmpty)
        #expect(sampler.admit(span("rag.job", trace: 1, start: base + 2, end: base + 5 * Self.second)).isEmpty)
        #expect(sampler.heldSpanCount == 2)
    }

    @Test("always_off, a span fails, it leaves with the spans held for its trace, and later spans follow")
    func failedTraceKept() {
        let sampler = OTLPTraceSampler(.init(name: "always_off", ratio: 0))
        let base = 1_000 * Self.second
        _ = sampler.admit(span("rag.validate", trace: 7, start: base, end: base + 1))
        _ = sampler.admit(span("rag.embed", trace: 7, start: base + 2, end: base + 3))
        _ = sampler.admit(span("rag.validate", trace: 8, start: base, end: base + 1))
        let released = sampler.admit(span("rag.generate", trace: 7, start: base + 4, end: base + 5, failed: true))
        #expect(released.map(\.name) == ["rag.validate", "rag.embed", "rag.generate"])
        #expect(sampler.admit(span("rag.webhook", trace: 7, start: base + 6, end: base + 7)).map(\.name) == ["rag.webhook"])
        #expect(sampler.heldSpanCount == 1)
    }

    @Test("always_off, a trace ends 121 s after it began, the whole trace is kept")
    func slowTraceKept() {
        let sampler = OTLPTraceSampler(.init(name: "always_off", ratio: 0, keepTracesLongerThan: .seconds(120)))
        let base = 1_000 * Self.second
        _ = sampler.admit(span("rag.validate", trace: 3, start: base, end: base + 1))
        #expect(sampler.admit(span("rag.job", trace: 3, start: base + Self.second, end: base + 100 * Self.second)).isEmpty)
        let released = sampler.admit(span("rag.webhook", trace: 3, start: base + 120 * Self.second, end: base + 121 * Self.second))
        #expect(released.map(\.name) == ["rag.validate", "rag.job", "rag.webhook"])
    }

    @Test("held spans are bounded: the oldest trace is forgotten first")
    func heldSpansBounded() {
        let sampler = OTLPTraceSampler(.init(name: "always_off", ratio: 0), maxHeldSpans: 10)
        let base = 1_000 * Self.second
        for trace in 1...15 { _ = sampler.admit(span("rag.validate", trace: UInt64(trace), start: base, end: base + 1)) }
        #expect(sampler.heldSpanCount == 10)
        // Trace 1 was forgotten: its failure exports only the failed span.
        #expect(sampler.admit(span("rag.job", trace: 1, start: base, end: base + 2, failed: true)).count == 1)
        #expect(sampler.admit(span("rag.job", trace: 15, start: base, end: base + 2, failed: true)).count == 2)
    }

    @Test("traceidratio 0.5, the decision depends on the trace id only, about half are kept")
    func ratio() {
        let sampler = OTLPTraceSampler(.init(name: "traceidratio", ratio: 0.5))
        var generator = SystemRandomNumberGenerator()
        let kept = (0..<10_000).filter { _ in sampler.keptByRatio(traceLow: generator.next()) }.count
        #expect((4_500...5_500).contains(kept))
        #expect(sampler.keptByRatio(traceLow: 0x0000_0000_0000_0001))
        #expect(!sampler.keptByRatio(traceLow: 0x00FF_FFFF_FFFF_FFFF))
    }
}
