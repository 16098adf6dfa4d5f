import Logging
import Testing
import Tracing
@testable import Telemetry

@Suite("TelemetryLogHandler")
struct TelemetryLogHandlerTests {
    @Test("log line inside a span, JSON on the output with trace.id and span.id, same record to the sink")
    func insideSpan() throws {
        let sink = CollectingSink()
        let output = CollectingLineWriter()
        let tracer = TelemetryTracer(sink: sink)
        var logger = Logger(label: "rag.runner") { TelemetryLogHandler(label: $0, logLevel: .debug, output: output, sink: sink) }
        logger[metadataKey: LogKeys.jobID] = "job-7"

        var spanIDs: (String, String) = ("", "")
        tracer.withSpan("rag.embed") { span in
            spanIDs = (span.traceID, span.spanID)
            logger.info("embedding", metadata: ["provider": "openai", "error": "shadowed key"])
        }

        let line = try #require(output.all.first)
        let json = try #require(jsonObject(line))
        #expect(json["type"] as? String == "log")
        #expect(json["level"] as? String == "info")
        #expect(json["label"] as? String == "rag.runner")
        #expect(json["message"] as? String == "embedding")
        #expect(json["trace.id"] as? String == spanIDs.0)
        #expect(json["span.id"] as? String == spanIDs.1)
        #expect(json["job.id"] as? String == "job-7")
        #expect(json["metadata.error"] as? String == "shadowed key")
        #expect((json["time"] as? String)?.hasSuffix("Z") == true)

        let record = try #require(sink.logs.first)
        #expect(record.traceID == spanIDs.0)
        #expect(record.jobID == "job-7")
    }

    @Test("log line outside any span, no trace.id; below the level, nothing written")
    func outsideSpan() throws {
        let sink = CollectingSink()
        let output = CollectingLineWriter()
        let logger = Logger(label: "rag.server") { TelemetryLogHandler(label: $0, logLevel: .info, output: output, sink: sink) }
        logger.debug("not shown")
        logger.warning("slow \"quoted\"\nline")
        #expect(output.all.count == 1)
        let json = try #require(jsonObject(output.all[0]))
        #expect(json["trace.id"] == nil)
        #expect(json["message"] as? String == "slow \"quoted\"\nline")
    }
}
