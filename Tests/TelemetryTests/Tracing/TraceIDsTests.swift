import Testing
@testable import Telemetry

@Suite("TraceIDs")
struct TraceIDsTests {
    @Test("new ids, many drawn, all lowercase hex of the W3C lengths and distinct")
    func newIDs() {
        let traces = (0..<500).map { _ in TraceIDs.newTraceID() }
        let spans = (0..<500).map { _ in TraceIDs.newSpanID() }
        #expect(traces.allSatisfy(TraceIDs.isValidTraceID))
        #expect(spans.allSatisfy(TraceIDs.isValidSpanID))
        #expect(Set(traces).count == 500)
        #expect(Set(spans).count == 500)
    }

    @Test("traceparent, formatted then parsed, gives back both ids")
    func roundTrip() {
        let trace = TraceIDs.newTraceID()
        let span = TraceIDs.newSpanID()
        let header = TraceIDs.traceparent(traceID: trace, spanID: span)
        #expect(header == "00-\(trace)-\(span)-01")
        let parsed = TraceIDs.parse(traceparent: header)
        #expect(parsed?.traceID == trace)
        #expect(parsed?.spanID == span)
    }

    @Test("traceparent, malformed values, rejected", arguments: [
        "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    ])
    func rejectsMalformed(_ header: String) {
        #expect(TraceIDs.parse(traceparent: header) == nil)
    }

    @Test("traceparent, a future version with extra fields, accepted by its first four fields")
    func futureVersion() {
        let parsed = TraceIDs.parse(traceparent: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-whatever")
        #expect(parsed?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }
}
