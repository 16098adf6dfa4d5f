import Curl
import Logging
import Metrics
import PostgresNIO
import SQLite
import Telemetry
import Tracing

/// Builds the pipeline from ``PipelineSettings``: the real provider of a stage when its
/// key or URL is configured, the embedded default otherwise.
///
/// | stage | configured | embedded default |
/// |---|---|---|
/// | embed | OpenAI embeddings | `lexical-embedder` |
/// | retrieve | Supabase RPC, else Postgres (`DATABASE_URL`) | `sqlite:cosine` |
/// | keyword-boost | — | `keyword-boost` |
/// | rerank | Cohere | `bm25-reranker` |
/// | generate | OpenAI chat completions | `extractive-drafter` |
/// | persist | Supabase insert, else Postgres | `sqlite:proposals` |
public enum PipelineFactory {
    /// Builds every component. Opens (and creates) the SQLite file when a stage needs it;
    /// creates, but does not run, the Postgres client.
    ///
    /// - Parameters:
    ///   - httpClient: the process's one shared client (connections are reused across jobs).
    ///   - tracer, metrics: injected so tests can read spans and instruments.
    /// - Throws: ``PipelineSettingsError`` for unusable settings, SQLite errors opening the file.
    public static func make(
        settings: PipelineSettings,
        httpClient: any HTTPClient,
        tracer: any Tracer,
        metrics: any MetricsFactory,
        logger: Logger
    ) async throws -> PipelineComponents {
        try validate(settings)
        let postgresClient = try settings.postgres.map { postgres in
            PostgresClient(configuration: try PostgresURL(postgres.url).clientConfiguration, backgroundLogger: logger)
        }
        let needsSQLite = settings.supabase == nil && postgresClient == nil
        let database = needsSQLite ? try SQLiteDatabase(path: settings.sqlitePath) : nil

        let embedder: any Embedder
        let generator: any Generator
        if let openAI = settings.openAI {
            embedder = OpenAIEmbedder(
                baseURL: openAI.baseURL, model: openAI.embeddingModel, dimensions: settings.embeddingDimensions,
                batchSize: openAI.embeddingBatchSize, apiKey: openAI.apiKey, client: httpClient
            )
            generator = OpenAIGenerator(
                baseURL: openAI.baseURL, model: openAI.model, apiKey: openAI.apiKey, client: httpClient,
                prompts: try PromptLibrary.load(), temperature: openAI.temperature, maxOutputTokens: openAI.maxOutputTokens
            )
        } else {
            embedder = LexicalEmbedder(dimensions: settings.embeddingDimensions)
            generator = ExtractiveDrafter()
        }
        let reranker: any Reranker = settings.cohere.map {
            CohereReranker(baseURL: $0.baseURL, model: $0.model, apiKey: $0.apiKey, client: httpClient)
        } ?? LexicalReranker()

        let store: any VectorStore
        let sink: any ResultSink
        if let supabase = settings.supabase {
            store = SupabaseVectorStore(projectURL: supabase.url, apiKey: supabase.apiKey, client: httpClient,
                                        table: supabase.documentsTable, function: supabase.matchFunction)
            sink = SupabaseResultSink(projectURL: supabase.url, apiKey: supabase.apiKey, client: httpClient, table: supabase.resultsTable)
        } else if let postgresClient {
            store = PostgresVectorStore(client: postgresClient, logger: logger)
            sink = PostgresResultSink(client: postgresClient, logger: logger)
        } else if let database {
            store = try await SQLiteVectorStore(database: database)
            sink = try await SQLiteResultSink(database: database)
        } else {
            throw PipelineSettingsError(problems: ["no store could be selected"])
        }

        let providers = ProposalPipeline.Providers(
            embedder: embedder, vectorStore: store, reranker: reranker, generator: generator, resultSink: sink)
        let pipeline = ProposalPipeline(
            providers: providers, retrieval: settings.retrieval, keyTerms: settings.keyTerms,
            keywordBoost: settings.keywordBoost, timeouts: settings.timeouts, retry: settings.retry,
            outputGuard: OutputGuard(secretValues: settings.secretValues), tracer: tracer, metrics: metrics
        )
        return PipelineComponents(
            pipeline: pipeline, postgresClient: postgresClient, sqliteDatabase: database,
            stageProviders: stageProviders(providers, settings: settings)
        )
    }

    /// Builds the components, runs the Postgres client (when there is one) while `body` runs,
    /// and stops it afterwards. For commands and tests; the server adds the client to its
    /// `ServiceGroup` instead.
    public static func withComponents<Value: Sendable>(
        settings: PipelineSettings,
        httpClient: any HTTPClient,
        tracer: any Tracer = NoOpTracer(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger,
        _ body: @Sendable (PipelineComponents) async throws -> Value
    ) async throws -> Value {
        let components = try await make(settings: settings, httpClient: httpClient, tracer: tracer, metrics: metrics, logger: logger)
        guard let client = components.postgresClient else { return try await body(components) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(components)
        }
    }

    static func stageProviders(_ providers: ProposalPipeline.Providers, settings: PipelineSettings) -> [StageProvider] {
        [
            StageProvider(stage: .embed, provider: providers.embedder.identity.name,
                          isEmbeddedDefault: settings.openAI == nil, hint: "set OPENAI_API_KEY for OpenAI embeddings"),
            StageProvider(stage: .retrieve, provider: providers.vectorStore.identity.name,
                          isEmbeddedDefault: providers.vectorStore.identity.system == "sqlite",
                          hint: "set SUPABASE_URL and SUPABASE_KEY, or DATABASE_URL, for pgvector"),
            StageProvider(stage: .keywordBoost, provider: "keyword-boost", isEmbeddedDefault: false),
            StageProvider(stage: .rerank, provider: providers.reranker.identity.name,
                          isEmbeddedDefault: settings.cohere == nil, hint: "set COHERE_API_KEY for Cohere rerank"),
            StageProvider(stage: .generate, provider: providers.generator.identity.name,
                          isEmbeddedDefault: settings.openAI == nil, hint: "set OPENAI_API_KEY for OpenAI chat completions"),
            StageProvider(stage: .persist, provider: providers.resultSink.identity.name,
                          isEmbeddedDefault: providers.resultSink.identity.system == "sqlite",
                          hint: "set SUPABASE_URL and SUPABASE_KEY, or DATABASE_URL"),
        ]
    }

    static func validate(_ settings: PipelineSettings) throws {
        var problems: [String] = []
        if settings.embeddingDimensions < 8 || settings.embeddingDimensions > 16_000 {
            problems.append("embedding dimensions must be 8…16000")
        }
        if let postgres = settings.postgres, (try? PostgresURL(postgres.url)) == nil {
            problems.append("DATABASE_URL: must look like postgres://user:password@host:5432/database")
        }
        if settings.keywordBoost.weight > 1 { problems.append("keyword boost weight must be 0…1") }
        guard problems.isEmpty else { throw PipelineSettingsError(problems: problems) }
    }
}
