import Foundation
import Telemetry
import Testing

@testable import RAGPipeline

/// Issue 26: a provider's error answer is cut to its code and its message; everything else in the
/// body (PostgREST's `details` and `hint`, an echo of the request) is dropped, and the message,
/// which may quote the prompt, is kept apart from the error's description.
@Suite("Provider error bodies cut to code and message")
struct ProviderErrorBodyTests {
    static let detector = SecretDetector(secrets: ["sk-unrelated-0123456789abcdef"])
    static let prompt = "Clinic booking platform, reach jane.doe@example.org or +1 415 555 0100"

    @Test("OpenAI, Cohere and PostgREST bodies give their code and message; other fields are not kept")
    func shapes() throws {
        let openAI = try JSONSerialization.data(withJSONObject: [
            "error": ["message": "Invalid value: \(Self.prompt)", "type": "invalid_request_error", "code": "invalid_value",
                      "param": Self.prompt],
        ])
        let fields = ProviderHTTP.errorFields(openAI, secrets: Self.detector)
        #expect(fields.code == "invalid_value")
        #expect(fields.message == "Invalid value: \(Self.prompt)")

        let cohere = try JSONSerialization.data(withJSONObject: ["message": "invalid request: \(Self.prompt)"])
        #expect(ProviderHTTP.errorFields(cohere, secrets: Self.detector).code == nil)
        #expect(ProviderHTTP.errorFields(cohere, secrets: Self.detector).message == "invalid request: \(Self.prompt)")

        let postgREST = try JSONSerialization.data(withJSONObject: [
            "code": "22P02", "message": "invalid input syntax", "details": "Token \(Self.prompt) is invalid", "hint": Self.prompt,
        ])
        let cut = ProviderHTTP.errorFields(postgREST, secrets: Self.detector)
        #expect(cut.code == "22P02" && cut.message == "invalid input syntax")
    }

    @Test("the message is cut to 300 characters and a configured key in it withholds it whole")
    func bounds() throws {
        let long = try JSONSerialization.data(withJSONObject: ["message": String(repeating: "echo ", count: 200)])
        let message = try #require(ProviderHTTP.errorFields(long, secrets: Self.detector).message)
        #expect(message.count == 301 && message.hasSuffix("…"))
        let leaking = try JSONSerialization.data(withJSONObject: ["message": "bad key sk-unrelated-0123456789abcdef"])
        #expect(ProviderHTTP.errorFields(leaking, secrets: Self.detector).message?.contains("sk-unrelated") == false)
    }

    @Test("a ProviderError's description carries the code, never the provider's message")
    func descriptionLeavesTheMessageOut() {
        let error = ProviderError(kind: .rejected, provider: "cohere:rerank-v3.5", status: 400, providerCode: "invalid_request",
                                  providerMessage: "invalid request: \(Self.prompt)", message: "the provider rejected the request")
        #expect(!error.description.contains("jane.doe"))
        #expect(error.providerMessage?.contains("jane.doe") == true)
    }
}
