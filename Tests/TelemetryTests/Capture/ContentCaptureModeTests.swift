import Testing
@testable import Telemetry

@Suite("RAG_CAPTURE_CONTENT and OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
struct ContentCaptureModeTests {
    @Test("off by default; local; s3 with bucket and prefix; the OpenTelemetry variable alone turns on local")
    func modes() throws {
        func mode(_ environment: [String: String]) throws -> ContentCaptureMode {
            try TelemetryConfiguration(environment: environment).contentCapture
        }
        #expect(try mode([:]) == .off)
        #expect(try mode(["RAG_CAPTURE_CONTENT": "off"]) == .off)
        #expect(try mode(["RAG_CAPTURE_CONTENT": "LOCAL"]) == .local)
        #expect(try mode(["RAG_CAPTURE_CONTENT": "s3://rag-captures/debug/prompts/"]) == .s3(bucket: "rag-captures", prefix: "debug/prompts"))
        #expect(try mode(["RAG_CAPTURE_CONTENT": "s3://rag-captures"]) == .s3(bucket: "rag-captures", prefix: ""))
        #expect(try mode(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"]) == .local)
        #expect(try mode(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "false"]) == .off)
        #expect(try mode(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true", "RAG_CAPTURE_CONTENT": "s3://b-1/p"])
                == .s3(bucket: "b-1", prefix: "p"), "RAG_CAPTURE_CONTENT decides where")
        #expect(try mode(["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true", "RAG_CAPTURE_CONTENT": "off"]) == .off)
    }

    @Test("malformed values and a contradiction stop start-up, naming the variable")
    func problems() {
        for (environment, variable) in [
            (["RAG_CAPTURE_CONTENT": "yes"], "RAG_CAPTURE_CONTENT"),
            (["RAG_CAPTURE_CONTENT": "s3://Bad_Bucket/p"], "RAG_CAPTURE_CONTENT"),
            (["RAG_CAPTURE_CONTENT": "s3://bucket/a b"], "RAG_CAPTURE_CONTENT"),
            (["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "maybe"], "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"),
            (["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "false", "RAG_CAPTURE_CONTENT": "local"],
             "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"),
        ] {
            let error = #expect(throws: TelemetryConfigurationError.self) { try TelemetryConfiguration(environment: environment) }
            #expect(error?.problems.map(\.variable) == [variable], "\(environment)")
        }
    }

    @Test("one object per job: the prefix, jobs/ and the SHA-256 of the job id; the URI names it")
    func objectKeys() {
        let key = ContentCaptureMode.objectKey(prefix: "captures", jobID: "café 42")
        #expect(key.hasPrefix("captures/jobs/") && key.hasSuffix(".json"))
        #expect(key.count == "captures/jobs/".count + 64 + ".json".count)
        #expect(key == ContentCaptureMode.objectKey(prefix: "captures", jobID: "café 42"))
        #expect(key != ContentCaptureMode.objectKey(prefix: "captures", jobID: "café 43"))
        #expect(ContentCaptureMode.s3(bucket: "b-1", prefix: "").uri(jobID: "x") == "s3://b-1/" + ContentCaptureMode.objectKey(prefix: "", jobID: "x"))
        #expect(ContentCaptureMode.local.uri(jobID: "x") == nil)
    }
}
