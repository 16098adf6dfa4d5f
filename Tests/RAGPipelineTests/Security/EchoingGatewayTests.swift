import Curl
import Foundation
import Logging
import RAGPipeline
import Synchronization
import Telemetry
import Testing
import TestSupport

/// Finding 1 of the security review: a gateway (or an OpenAI-compatible server) that echoes the
/// `Authorization` header into `error.code` and `x-request-id` must not get the key into the
/// error, the retry warnings or anything built from them; a 60 KB request id must not ride along.
@Suite("Security: a provider echoing the key")
struct EchoingGatewayTests {
    /// Collects what the provider call logs (the retry warnings carry the error).
    final class CapturedLog: LogHandler, @unchecked Sendable {
        // @unchecked: `lines` is guarded by its Mutex; the rest is set once by swift-log.
        let lines = Mutex<[String]>([])
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let line = "\(event.message) \((event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))"
            lines.withLock { $0.append(line) }
        }
    }

    @Test("retryable failures whose request id and error code echo the key: neither the error nor a log line holds the key or any 16-character piece of it")
    func echoedKeyNeverLeaves() async throws {
        let key = PipelineHarness.openAIKey
        try await PipelineHarness.run { harness in
            await harness.openAI.embeddingFaults.enqueue(.echoAuthorization(status: 503, paddingBytes: 60_000), times: 3)
            let log = CapturedLog()
            let logger = Logger(label: "test") { _ in log }
            let call = ProviderCall(
                provider: harness.openAIEmbedder.identity, deadline: .now + .seconds(30), attemptTimeout: .seconds(10),
                policy: RetryPolicy(maxAttempts: 3, backoff: .init(base: .milliseconds(1), maximum: .milliseconds(2), jitter: .none)),
                logger: logger)
            let error = await #expect(throws: ProviderError.self) {
                _ = try await harness.openAIEmbedder.embed(["hello"], call: call)
            }
            let failure = try #require(error)
            // The double really echoed the key, so the test is not vacuous.
            let requests = await harness.openAI.embeddings.requests
            #expect(requests.count == 3)
            #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(key)" })

            #expect(failure.status == 503 && failure.kind == .serverError)
            #expect(failure.providerCode == UntrustedText.withheld)
            #expect(failure.requestID == UntrustedText.withheld)
            let texts = [failure.description] + log.lines.withLock { $0 }
            #expect(log.lines.withLock { $0.count } == 2, "two retry warnings")
            let pieces = (0...(key.count - 16)).map { String(Array(key)[$0..<($0 + 16)]) }
            for text in texts {
                #expect(!pieces.contains { text.contains($0) }, "a piece of the key in: \(text.prefix(300))")
                #expect(text.utf8.count < 1_000, "an unbounded line: \(text.utf8.count) bytes")
            }
        }
    }

    @Test("a long request id without a secret is cut to 128 characters; controls and line breaks in a code are replaced")
    func longAndHostileIdentifiers() {
        let detector = SecretDetector(secrets: ["sk-unrelated-0123456789abcdef"])
        let long = UntrustedText.identifier(String(repeating: "r", count: 60_000), maxLength: 128, secrets: detector)
        #expect(long == String(repeating: "r", count: 128) + "…")
        let hostile = UntrustedText.identifier("bad\u{1B}[2J\ncode\u{202E}", secrets: detector)
        #expect(hostile == "bad??2J?code?")
        #expect(UntrustedText.message("line one\nline two\u{1B}[31m", secrets: detector) == "line one\\u{A}line two\\u{1B}[31m")
    }
}
