import Foundation
import RAGPipeline
import Telemetry
import Testing

@Suite("PipelineFactory provider selection")
struct PipelineFactoryTests {
    @Test("without keys every stage uses its embedded default and the summary says how to switch")
    func embeddedDefaults() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let components = try await PipelineFactory.make(
                settings: PipelineSettings(dataDirectory: directory.path), httpClient: CurlHTTPClientStub(),
                tracer: NoOpTracerBox.tracer, metrics: NoOpTracerBox.metrics, logger: TestEnvironment.logger)
            #expect(components.stageProviders.map(\.provider) == [
                "lexical-embedder", "sqlite:cosine", "keyword-boost", "bm25-reranker", "extractive-drafter", "sqlite:proposals",
            ])
            #expect(components.summary[3] == "rerank: bm25-reranker (embedded default; set COHERE_API_KEY for Cohere rerank)")
            #expect(components.postgresClient == nil)
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("pipeline.sqlite").path))
        }
    }

    @Test("configured providers are used: OpenAI, Cohere and Supabase; DATABASE_URL alone selects Postgres")
    func configuredProviders() async throws {
        let key = APIKeyProvider.fixed("k")
        var settings = PipelineSettings(
            openAI: .init(model: "gpt-4.1-mini", apiKey: key), cohere: .init(apiKey: key),
            supabase: .init(url: "https://abc.supabase.co", apiKey: key), dataDirectory: "/nonexistent")
        let remote = try await PipelineFactory.make(settings: settings, httpClient: CurlHTTPClientStub(),
                                                    tracer: NoOpTracerBox.tracer, metrics: NoOpTracerBox.metrics, logger: TestEnvironment.logger)
        #expect(remote.pipeline.providerNames == [
            "embed": "openai:text-embedding-3-small", "retrieve": "supabase:match_documents", "keyword-boost": "keyword-boost",
            "rerank": "cohere:rerank-v3.5", "generate": "openai:gpt-4.1-mini", "persist": "supabase:proposals",
        ])
        #expect(remote.sqliteDatabase == nil)
        #expect(remote.stageProviders.allSatisfy { !$0.isEmbeddedDefault })

        settings.supabase = nil
        settings.postgres = .init(url: "postgres://rag:pw@127.0.0.1:5432/rag")
        let postgres = try await PipelineFactory.make(settings: settings, httpClient: CurlHTTPClientStub(),
                                                      tracer: NoOpTracerBox.tracer, metrics: NoOpTracerBox.metrics, logger: TestEnvironment.logger)
        #expect(postgres.pipeline.providerNames["retrieve"] == "postgres:pgvector")
        #expect(postgres.pipeline.providerNames["persist"] == "postgres:proposals")
        #expect(postgres.postgresClient != nil)
    }

    @Test("an unusable DATABASE_URL is reported without its password")
    func badDatabaseURL() async throws {
        let settings = PipelineSettings(postgres: .init(url: "mysql://u:secret-pw@h/db"))
        let error = await #expect(throws: PipelineSettingsError.self) {
            try await PipelineFactory.make(settings: settings, httpClient: CurlHTTPClientStub(),
                                           tracer: NoOpTracerBox.tracer, metrics: NoOpTracerBox.metrics, logger: TestEnvironment.logger)
        }
        #expect(error?.problems.first?.hasPrefix("DATABASE_URL") == true)
        let description = error?.description ?? "secret-pw"
        #expect(!description.contains("secret-pw"))
    }
}
