import Foundation
import Logging
import Testing
import Tracing
@testable import Telemetry

/// The content policy on single records: what leaves, what is withheld, and that an unknown
/// field (a new call site) leaves nothing but its length.
@Suite("ContentPolicy")
struct ContentPolicyTests {
    static let sentence = "Please call Dana at the Hollow Pine office before Friday"

    @Test("known fields of a span leave as written; content and unknown attributes leave only their length")
    func spanAttributes() {
        let policy = ContentPolicy()
        var attributes: Tracing.SpanAttributes = [:]
        attributes[SpanAttributes.jobID] = "job-7"
        attributes[SpanAttributes.stage] = "rerank"
        attributes[SpanAttributes.provider] = "cohere:rerank-v3.5"
        attributes[SpanAttributes.attempts] = 2
        attributes[SpanAttributes.errorCode] = "provider_rejected"
        attributes[SpanAttributes.providerMessage] = "invalid request: \(Self.sentence)"
        attributes["rag.prompt.preview"] = Self.sentence
        attributes["rag.quality.unsupported_claims.text"] = [Self.sentence, "another sentence"]
        attributes["rag.quality.groundedness"] = 0.75
        let span = SpanRecord(name: "rag.rerank", context: TelemetrySpanContext(traceHigh: 1, traceLow: 2, spanValue: 3),
                              startNanoseconds: 1, endNanoseconds: 2, attributes: attributes)

        let out = policy.outbound(span)
        #expect(out.stringAttribute(SpanAttributes.jobID) == "job-7")
        #expect(out.stringAttribute(SpanAttributes.stage) == "rerank")
        #expect(out.stringAttribute(SpanAttributes.provider) == "cohere:rerank-v3.5")
        #expect(out.intAttribute(SpanAttributes.attempts) == 2)
        #expect(out.stringAttribute(SpanAttributes.errorCode) == "provider_rejected")
        #expect(out.attributes.get("rag.quality.groundedness") == .double(0.75), "numbers cannot carry text: they leave")
        let message = "invalid request: \(Self.sentence)"
        #expect(out.stringAttribute(SpanAttributes.providerMessage) == ContentPolicy.withheld(message.count))
        #expect(out.stringAttribute("rag.prompt.preview") == ContentPolicy.withheld(Self.sentence.count), "unknown names are content")
        #expect(out.attributes.get("rag.quality.unsupported_claims.text")
                == .stringArray([ContentPolicy.withheld(Self.sentence.count), ContentPolicy.withheld(16)]))
        #expect(!out.json.contains("Hollow Pine"))
        #expect(span.json.contains("Hollow Pine"), "the record itself (what the ring buffer stores) is untouched")
    }

    @Test("a value that does not look like its class is withheld: a sentence as a stage, as an error code, as a count")
    func shapes() {
        let policy = ContentPolicy()
        #expect(policy.outbound("embed", as: .label) == "embed")
        #expect(policy.outbound(Self.sentence, as: .label) == ContentPolicy.withheld(Self.sentence.count))
        #expect(policy.outbound(Self.sentence, as: .errorCode) == ContentPolicy.withheld(Self.sentence.count))
        #expect(policy.outbound(Self.sentence, as: .providerName) == ContentPolicy.withheld(Self.sentence.count))
        #expect(policy.outbound("1532", as: .count) == "1532")
        #expect(policy.outbound("0.2 seconds", as: .duration) == "0.2 seconds")
        #expect(policy.outbound("call +1 555 0100", as: .count) == ContentPolicy.withheld(16))
        #expect(policy.outbound("a1b2c3", as: .hash) == "a1b2c3")
        #expect(policy.outbound("not a hash!", as: .hash) == ContentPolicy.withheld(11))
        #expect(policy.outbound("café 42", as: .identifier) == "café 42", "job ids are the caller's text and leave as ids")
        #expect(policy.outbound("id\u{1B}[2J", as: .identifier) == ContentPolicy.withheld(6))
    }

    @Test("log metadata by key: known keys leave, unknown keys and non-name keys are withheld; nested values keep the key's class")
    func logMetadata() {
        let policy = ContentPolicy()
        let record = LogRecord(
            timestampNanoseconds: 1, level: .warning, label: "rag-worker", message: "stage failed",
            metadata: [
                LogKeys.jobID: "job-7", LogKeys.stage: "rerank", "error": "rerank failed (provider_rejected) at cohere",
                LogKeys.providerMessage: .string(Self.sentence), "posting": .string(Self.sentence),
                Self.sentence: "value under a key made of content",
                "problems": .array([.string("`proposal` is empty or too short")]),
            ])
        let out = policy.outbound(record)
        #expect(out.metadata[LogKeys.jobID] == "job-7")
        #expect(out.metadata[LogKeys.stage] == "rerank")
        #expect(out.metadata["error"] == "rerank failed (provider_rejected) at cohere")
        #expect(out.metadata["problems"] == .array([.string("`proposal` is empty or too short")]))
        #expect(out.metadata[LogKeys.providerMessage] == .string(ContentPolicy.withheld(Self.sentence.count)))
        #expect(out.metadata["posting"] == .string(ContentPolicy.withheld(Self.sentence.count)))
        #expect(out.metadata[Self.sentence] == nil)
        #expect(out.metadata["\(ContentPolicy.withheldKey).1"] == .string(ContentPolicy.withheld(33)))
        #expect(!out.json.contains("Hollow Pine"))
        #expect(out.message == "stage failed")
    }

    @Test("diagnostic text leaves unless it repeats the text of a job in progress; then only its length leaves")
    func diagnosticsScreened() {
        let screen = ContentScreen(grace: .zero)
        let policy = ContentPolicy(screen: screen)
        let description = "Our clinic needs \(Self.sentence) and a booking system."
        let leaking = LogRecord(timestampNanoseconds: 1, level: .warning, label: "rag-worker",
                                message: "could not parse the posting: \(description)", metadata: ["error": "\(description)"])
        #expect(policy.outbound(leaking).message == leaking.message, "nothing registered: nothing to screen")

        screen.register([description, "+1 (555) 013-4477"], owner: "job-7")
        let out = policy.outbound(leaking)
        #expect(out.message == ContentPolicy.withheldRepeat(leaking.message.count))
        #expect(out.metadata["error"] == .string(ContentPolicy.withheldRepeat(description.count)))
        #expect(policy.outbound("retrying, the client said 15550134477", as: .diagnostic).hasPrefix("(withheld"), "a short text matches whole")
        #expect(policy.outbound("provider call failed, retrying", as: .diagnostic) == "provider call failed, retrying")

        screen.release("job-7")
        #expect(policy.outbound(leaking).message == leaking.message, "released (no grace): no longer screened")
    }

    @Test("span status message, recorded errors and exception events are diagnostics; span names are labels, up to three")
    func spanDiagnostics() {
        let screen = ContentScreen(grace: .zero)
        screen.register([Self.sentence], owner: "job-7")
        let policy = ContentPolicy(screen: screen)
        var event = Tracing.SpanAttributes()
        event["exception.type"] = "ProviderError"
        event["exception.message"] = "echo: \(Self.sentence)"
        let span = SpanRecord(
            name: "rag.job", context: TelemetrySpanContext(traceHigh: 1, traceLow: 2, spanValue: 3), startNanoseconds: 1, endNanoseconds: 2,
            events: [SpanEvent(name: "exception", attributes: event)], status: SpanStatus(code: .error, message: "failed: \(Self.sentence)"),
            errors: [.init(type: "ProviderError", message: "echo: \(Self.sentence)", nanosecondsSinceEpoch: 1)])
        let out = policy.outbound(span)
        #expect(out.name == "rag.job")
        #expect(out.status?.code == .error)
        #expect(out.status?.message?.hasPrefix("(withheld") == true)
        #expect(out.errors.first?.type == "ProviderError")
        #expect(out.errors.first?.message.hasPrefix("(withheld") == true)
        #expect(out.events.first?.attributes.get("exception.type") == .string("ProviderError"))
        #expect(!out.json.contains("Hollow Pine"))
        #expect(policy.outbound(SpanRecord(name: Self.sentence, context: span.context, startNanoseconds: 1, endNanoseconds: 2)).name
                == ContentPolicy.withheld(Self.sentence.count))
        func named(_ name: String) -> String {
            policy.outbound(SpanRecord(name: name, context: span.context, startNanoseconds: 1, endNanoseconds: 2)).name
        }
        #expect(named("chat gpt-4o-mini") == "chat gpt-4o-mini", "GenAI client spans: {operation} {model}")
        #expect(named("Hollow Pine Farm needs") == ContentPolicy.withheld(22), "four words are prose")
        #expect(named("chat  gpt") == ContentPolicy.withheld(9))
    }

    @Test("metric dimensions: catalogue keys keep name-shaped values; anything else is withheld")
    func metrics() {
        let policy = ContentPolicy()
        let metric = MetricAggregate(
            name: "ProviderErrors", kind: .counter,
            dimensions: [MetricDimensionValue("Provider", "cohere:rerank-v3.5"), MetricDimensionValue("Client", "Hollow Pine"),
                         MetricDimensionValue("Stage", Self.sentence)],
            intervalStartNanoseconds: 0, intervalEndNanoseconds: 1, count: 1, sum: 1, minimum: 1, maximum: 1)
        let out = policy.outbound(metric)
        #expect(out.dimension("Provider") == "cohere:rerank-v3.5")
        #expect(out.dimension("Client") == ContentPolicy.withheld(11))
        #expect(out.dimension("Stage") == ContentPolicy.withheld(Self.sentence.count))
        #expect(out.sum == 1)
    }

    @Test("the boundary hands every exporter the policy's record; the log handler's stdout line too; the sink gets the record as written")
    func boundaryAndStdout() throws {
        let exporter = CollectingSink()
        let ringBuffer = CollectingSink()
        let boundary = ContentBoundary(policy: ContentPolicy(), exporters: [exporter])
        let output = CollectingLineWriter()
        let logger = Logger(label: "rag-worker") {
            TelemetryLogHandler(label: $0, logLevel: .info, output: output, sink: FanOutSink([ringBuffer, boundary]))
        }
        logger.warning("stage failed", metadata: [LogKeys.providerMessage: .string(Self.sentence)])
        #expect(!(output.all.first ?? "").contains("Hollow Pine"))
        #expect(output.all.first?.contains(ContentPolicy.withheld(Self.sentence.count)) == true)
        #expect(exporter.logs.first?.metadata[LogKeys.providerMessage] == .string(ContentPolicy.withheld(Self.sentence.count)))
        #expect(ringBuffer.logs.first?.metadata[LogKeys.providerMessage] == .string(Self.sentence))
    }
}
