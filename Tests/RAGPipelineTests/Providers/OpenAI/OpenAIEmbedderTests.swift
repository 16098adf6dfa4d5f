import Synchronization
import Foundation
import RAGPipeline
import Testing
import TestSupport

@Suite("OpenAIEmbedder against the OpenAI double")
struct OpenAIEmbedderTests {
    @Test("a request has the documented shape, headers and model, and vectors come back in order")
    func requestShape() async throws {
        try await PipelineHarness.run { harness in
            let call = ProviderCall.standalone(provider: harness.openAIEmbedder.identity, logger: TestEnvironment.logger)
            let result = try await harness.openAIEmbedder.embed(["first text", "second text"], call: call)

            #expect(result.vectors.count == 2)
            #expect(result.vectors.allSatisfy { $0.count == 1536 })
            #expect(result.vectors[0] != result.vectors[1])
            #expect((result.inputTokens ?? 0) > 0)
            let request = try #require(await harness.openAI.embeddings.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/v1/embeddings")
            #expect(request.header("Authorization") == "Bearer \(PipelineHarness.openAIKey)")
            #expect(request.header("Content-Type") == "application/json")
            let body = try #require(request.jsonObject)
            #expect(body["model"] as? String == "text-embedding-3-small")
            #expect(body["input"] as? [String] == ["first text", "second text"])
            #expect(body["encoding_format"] as? String == "base64")
            #expect(body["dimensions"] as? Int == 1536)
        }
    }

    @Test("300 inputs with a batch size of 128 go out as three requests, connections reused")
    func batching() async throws {
        try await PipelineHarness.run { harness in
            let embedder = OpenAIEmbedder(baseURL: harness.baseURL + "/v1", model: "text-embedding-3-small", batchSize: 128,
                                          apiKey: .fixed(PipelineHarness.openAIKey), client: harness.client)
            let texts = (0..<300).map { "document number \($0) about swift" }
            let result = try await embedder.embed(texts, call: .standalone(provider: embedder.identity, logger: TestEnvironment.logger))

            #expect(result.vectors.count == 300)
            let sizes = await harness.openAI.embeddings.requests.map { ($0.jsonObject?["input"] as? [String])?.count ?? 0 }
            #expect(sizes == [128, 128, 44])
            // The same text embeds the same way in any batch.
            let single = try await embedder.embed([texts[200]], call: .standalone(provider: embedder.identity, logger: TestEnvironment.logger))
            #expect(single.vectors[0] == result.vectors[200])
        }
    }

    @Test("a 401 asks the key provider for a refresh once and retries with the new key")
    func keyRefreshOn401() async throws {
        let double = OpenAIDouble(apiKey: "sk-rotated-key-000000")
        try await PipelineHarness.run(openAI: double) { harness in
            let key = RotatingKey(old: "sk-old-key-111111", new: "sk-rotated-key-000000")
            let embedder = OpenAIEmbedder(baseURL: harness.baseURL + "/v1", model: "text-embedding-3-small",
                                          apiKey: key.provider, client: harness.client)
            let result = try await embedder.embed(["hello"], call: .standalone(provider: embedder.identity, logger: TestEnvironment.logger))

            #expect(result.vectors.count == 1)
            let keys = await harness.openAI.embeddings.requests.map { $0.header("Authorization") }
            #expect(keys == ["Bearer sk-old-key-111111", "Bearer sk-rotated-key-000000"])
            #expect(key.refreshes == 1)
        }
    }

    @Test("a 401 that a refresh does not cure fails as rejected without further retries")
    func unauthorizedAfterRefresh() async throws {
        try await PipelineHarness.run { harness in
            let key = RotatingKey(old: "sk-wrong-1111", new: "sk-wrong-1111")
            let embedder = OpenAIEmbedder(baseURL: harness.baseURL + "/v1", model: "text-embedding-3-small",
                                          apiKey: key.provider, client: harness.client)
            let error = await #expect(throws: ProviderError.self) {
                try await embedder.embed(["hello"], call: .standalone(provider: embedder.identity, logger: TestEnvironment.logger))
            }
            #expect(error?.kind == .rejected)
            #expect(error?.status == 401)
            #expect(error?.providerCode == "invalid_api_key")
            let description = error?.description ?? "sk-wrong"
            #expect(!description.contains("sk-wrong"))
            #expect(await harness.openAI.embeddings.count == 1)
        }
    }
}

/// A key that changes from `old` to `new` when refreshed, counting refreshes.
final class RotatingKey: Sendable {
    private let state: Mutex<(key: String, refreshes: Int)>
    private let new: String

    init(old: String, new: String) {
        state = Mutex((old, 0))
        self.new = new
    }

    var refreshes: Int { state.withLock { $0.refreshes } }

    var provider: APIKeyProvider {
        APIKeyProvider(current: { self.state.withLock { $0.key } }, refresh: {
            self.state.withLock { $0 = (self.new, $0.refreshes + 1) }
        })
    }
}
