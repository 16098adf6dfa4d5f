import Foundation
import RAGPipeline
import Telemetry
import Testing

@Suite("OutputGuard")
struct OutputGuardTests {
    private static let key = "sk-proj-Abc123Def456Ghi789"

    @Test("a secret is found verbatim, in other letter case, spaced out, reversed, in Base64 and in hex")
    func variants() {
        let guardian = OutputGuard { [Self.key] }
        let base64 = Data(Self.key.utf8).base64EncodedString()
        let hex = Data(Self.key.utf8).map { String(format: "%02x", $0) }.joined()
        for text in [
            "my key is \(Self.key).", Self.key.uppercased(), Self.key.map(String.init).joined(separator: " "),
            String(Self.key.reversed()), "b64: \(base64)", "hex \(hex)",
        ] {
            #expect(guardian.leakedSecretCount(in: [text]) == 1, "not found in: \(text)")
        }
        #expect(guardian.leakedSecretCount(in: ["a perfectly normal proposal about sk-learn and projects"]) == 0)
    }

    @Test("the password inside a DATABASE_URL is a secret of its own; short secrets match whole words only")
    func urlPasswordsAndShortSecrets() {
        let guardian = OutputGuard { ["postgres://app:Hunter2Pass!@db.example.com:5432/rag", "abcd"] }
        #expect(guardian.leakedSecretCount(in: ["the password is Hunter2Pass!"]) == 1)
        #expect(guardian.leakedSecretCount(in: ["I know abcd"]) == 1)
        #expect(guardian.leakedSecretCount(in: ["abcdef is fine"]) == 0)
    }

    @Test("a result containing a secret fails with unsafe_output, and the error does not carry the value")
    func checkFails() throws {
        let guardian = OutputGuard { [Self.key] }
        let result = ProposalResult(
            proposal: Proposal(text: "Hi", answers: [.init(question: "Key?", answer: "It is \(Self.key)")], generatedBy: "x"),
            analysis: Analysis(fitScore: 1, fitReasons: [], keyRequirements: [], risks: []), references: [], providers: [:])
        let error = #expect(throws: PipelineError.self) { try guardian.check(result, provider: "openai:gpt-4o-mini") }
        #expect(error?.code == .unsafeOutput)
        #expect(error?.stage == .generate)
        let description = error?.description ?? Self.key
        #expect(!description.contains(Self.key))
    }
}
