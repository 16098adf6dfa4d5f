import Foundation
import RAGPipeline
import Telemetry
import Testing

@Suite("ProviderSelection")
struct ProviderSelectionTests {
    static let key = APIKeyProvider.fixed("k")
    static let supabase = PipelineSettings.Supabase(url: "https://abc.supabase.co", apiKey: key)
    static let postgres = PipelineSettings.Postgres(url: "postgres://rag:pw@127.0.0.1:5432/rag")

    @Test("no provider configured: lexical embedder, SQLite store at the settings' path, BM25, extractive drafter")
    func embeddedDefaults() {
        let settings = PipelineSettings(dataDirectory: "/tmp/rag")
        let selection = ProviderSelection(settings: settings)
        #expect(selection.embedder == .lexical)
        #expect(selection.store == .sqlite(path: "/tmp/rag/pipeline.sqlite"))
        #expect(selection.reranker == .lexical)
        #expect(selection.generator == .extractive)
    }

    @Test("OpenAI selects the OpenAI embedder and generator, Cohere the Cohere reranker, with their models and base URLs")
    func remoteModels() {
        let settings = PipelineSettings(
            openAI: .init(baseURL: "http://localhost:11434/v1", model: "gpt-4.1-mini", embeddingModel: "embed-x", apiKey: Self.key),
            cohere: .init(model: "rerank-x", apiKey: Self.key))
        let selection = ProviderSelection(settings: settings)
        #expect(selection.embedder == .openAI(model: "embed-x", baseURL: "http://localhost:11434/v1"))
        #expect(selection.generator == .openAI(model: "gpt-4.1-mini", baseURL: "http://localhost:11434/v1"))
        #expect(selection.reranker == .cohere(model: "rerank-x", baseURL: "https://api.cohere.com"))
    }

    @Test("Supabase wins over DATABASE_URL; DATABASE_URL alone selects Postgres")
    func storePrecedence() {
        let both = ProviderSelection(settings: PipelineSettings(supabase: Self.supabase, postgres: Self.postgres))
        #expect(both.store == .supabase(url: "https://abc.supabase.co", matchFunction: "match_documents", resultsTable: "proposals"))
        let postgresOnly = ProviderSelection(settings: PipelineSettings(postgres: Self.postgres))
        #expect(postgresOnly.store == .postgres)
    }

    @Test("the factory builds exactly the selected provider for every stage", arguments: [
        (openAI: false, cohere: false, supabase: false, postgres: false),
        (openAI: true, cohere: true, supabase: true, postgres: false),
        (openAI: true, cohere: false, supabase: false, postgres: true),
        (openAI: false, cohere: true, supabase: true, postgres: true),
    ])
    func factoryFollowsSelection(configured: (openAI: Bool, cohere: Bool, supabase: Bool, postgres: Bool)) async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let settings = PipelineSettings(
                openAI: configured.openAI ? .init(apiKey: Self.key) : nil,
                cohere: configured.cohere ? .init(apiKey: Self.key) : nil,
                supabase: configured.supabase ? Self.supabase : nil,
                postgres: configured.postgres ? Self.postgres : nil,
                dataDirectory: directory.path)
            let selection = ProviderSelection(settings: settings)
            let components = try await PipelineFactory.make(
                settings: settings, httpClient: CurlHTTPClientStub(),
                tracer: NoOpTracerBox.tracer, metrics: NoOpTracerBox.metrics, logger: TestEnvironment.logger)
            #expect(components.pipeline.providerNames == Self.expectedNames(selection))
            let isSQLite = if case .sqlite = selection.store { true } else { false }
            #expect((components.sqliteDatabase != nil) == isSQLite)
            #expect(components.stageProviders.first { $0.stage == .rerank }?.isEmbeddedDefault == (selection.reranker == .lexical))
        }
    }

    /// The provider names a selection stands for, written out independently of the factory.
    static func expectedNames(_ selection: ProviderSelection) -> [String: String] {
        var names = ["keyword-boost": "keyword-boost"]
        switch selection.embedder {
        case .openAI(let model, _): names["embed"] = "openai:\(model)"
        case .lexical: names["embed"] = "lexical-embedder"
        }
        switch selection.store {
        case .supabase(_, let matchFunction, let resultsTable):
            names["retrieve"] = "supabase:\(matchFunction)"
            names["persist"] = "supabase:\(resultsTable)"
        case .postgres:
            names["retrieve"] = "postgres:pgvector"
            names["persist"] = "postgres:proposals"
        case .sqlite:
            names["retrieve"] = "sqlite:cosine"
            names["persist"] = "sqlite:proposals"
        }
        switch selection.reranker {
        case .cohere(let model, _): names["rerank"] = "cohere:\(model)"
        case .lexical: names["rerank"] = "bm25-reranker"
        }
        switch selection.generator {
        case .openAI(let model, _): names["generate"] = "openai:\(model)"
        case .extractive: names["generate"] = "extractive-drafter"
        }
        return names
    }
}
