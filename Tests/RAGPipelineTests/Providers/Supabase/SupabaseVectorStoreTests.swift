import Curl
import Foundation
import RAGPipeline
import Testing
import TestSupport

@Suite("Supabase store and sink against the PostgREST double")
struct SupabaseVectorStoreTests {
    @Test("ingest through PostgREST is idempotent: the second run inserts nothing and deletes nothing")
    func idempotentIngest() async throws {
        try await PipelineHarness.run { harness in
            let ingestor = Ingestor(embedder: harness.openAIEmbedder, store: harness.supabaseStore, logger: TestEnvironment.logger)
            let first = try await ingestor.ingestSampleCorpus()
            let embedCalls = await harness.openAI.embeddings.count
            let second = try await ingestor.ingestSampleCorpus()

            #expect(first.inserted == first.chunks)
            #expect(second.inserted == 0 && second.removed == 0 && second.unchanged == first.chunks)
            #expect(harness.postgREST.documents.count == first.chunks)
            #expect(await harness.openAI.embeddings.count == embedCalls, "unchanged chunks are not embedded again")

            let writes = await harness.postgREST.requests.requests.filter { $0.method == "POST" && $0.path == "/rest/v1/documents" }
            let write = try #require(writes.first)
            #expect(write.header("Prefer") == "resolution=ignore-duplicates,return=representation")
            let row = try #require((try JSONSerialization.jsonObject(with: write.body) as? [[String: Any]])?.first)
            #expect(Set(row.keys) == ["content", "metadata", "embedding", "content_hash"])
            #expect((row["metadata"] as? [String: Any])?["embedding_model"] as? String == "openai:text-embedding-3-small")
        }
    }

    @Test("a new-style secret key goes in the apikey header only; a JWT key also as a bearer token")
    func keyPlacement() async throws {
        let router = PostgRESTDouble(apiKey: "sb_secret_abcdefghijklmnop")
        let client = CurlHTTPClient()
        try await withLoopbackServer(router.router()) { baseURL in
            let store = SupabaseVectorStore(projectURL: baseURL, apiKey: .fixed("sb_secret_abcdefghijklmnop"), client: client)
            _ = try await store.search([1, 0], limit: 3, embeddingModel: "m",
                                       call: .standalone(provider: store.identity, logger: TestEnvironment.logger))
            let request = try #require(await router.requests.requests.first)
            #expect(request.header("apikey") == "sb_secret_abcdefghijklmnop")
            #expect(request.header("Authorization") == nil)
        }
    }
}
