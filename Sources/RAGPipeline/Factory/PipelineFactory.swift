import Curl
import Logging
import Metrics
import PostgresNIO
import SQLite
import Telemetry
import Tracing

/// Builds the pipeline from ``PipelineSettings``: the real provider of a stage when its
/// key or URL is configured, the embedded default otherwise, as decided by
/// ``ProviderSelection``.
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
        let selection = ProviderSelection(settings: settings)
        let postgresClient = try settings.postgres.map { postgres in
            try RotatingPostgresClient(url: postgres.url, currentURL: postgres.currentURL, logger: logger)
        }

        let embedder: any Embedder
        switch selection.embedder {
        case .openAI(let model, let baseURL):
            let openAI = try section(settings.openAI, "OpenAI")
            embedder = OpenAIEmbedder(
                baseURL: baseURL, model: model, dimensions: settings.embeddingDimensions,
                batchSize: openAI.embeddingBatchSize, apiKey: openAI.apiKey, client: httpClient
            )
        case .lexical:
            embedder = LexicalEmbedder(dimensions: settings.embeddingDimensions)
        }

        let generator: any Generator
        switch selection.generator {
        case .openAI(let model, let baseURL):
            let openAI = try section(settings.openAI, "OpenAI")
            generator = OpenAIGenerator(
                baseURL: baseURL, model: model, apiKey: openAI.apiKey, client: httpClient,
                prompts: try PromptLibrary.load(), temperature: openAI.temperature, maxOutputTokens: openAI.maxOutputTokens
            )
        case .extractive:
            generator = ExtractiveDrafter()
        }

        let reranker: any Reranker
        switch selection.reranker {
        case .cohere(let model, let baseURL):
            let cohere = try section(settings.cohere, "Cohere")
            reranker = CohereReranker(baseURL: baseURL, model: model, apiKey: cohere.apiKey, client: httpClient)
        case .lexical:
            reranker = LexicalReranker()
        }

        let store: any VectorStore
        let sink: any ResultSink
        var database: SQLiteDatabase?
        switch selection.store {
        case .supabase(let url, let matchFunction, let resultsTable):
            let supabase = try section(settings.supabase, "Supabase")
            store = SupabaseVectorStore(projectURL: url, apiKey: supabase.apiKey, client: httpClient,
                                        table: supabase.documentsTable, function: matchFunction)
            sink = SupabaseResultSink(projectURL: url, apiKey: supabase.apiKey, client: httpClient, table: resultsTable)
        case .postgres:
            let client = try section(postgresClient, "Postgres")
            store = PostgresVectorStore(client: client, logger: logger)
            sink = PostgresResultSink(client: client, logger: logger)
        case .sqlite(let path):
            let opened = try SQLiteDatabase(path: path)
            database = opened
            store = try await SQLiteVectorStore(database: opened)
            sink = try await SQLiteResultSink(database: opened)
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
            stageProviders: stageProviders(pipeline, selection: selection)
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

    /// The selection's stage table (``ProviderSelection/stages``) with the built providers' names.
    static func stageProviders(_ pipeline: ProposalPipeline, selection: ProviderSelection) -> [StageProvider] {
        let names = pipeline.providerNames
        return selection.stages.map { row in
            StageProvider(stage: row.stage, provider: names[row.stage.rawValue] ?? row.summary,
                          isEmbeddedDefault: row.isEmbeddedDefault, hint: row.hint)
        }
    }

    /// The settings section a selected provider needs; ``ProviderSelection`` selects a provider
    /// only when its section is present, so this throws only if the two fall out of step.
    private static func section<Section>(_ value: Section?, _ name: String) throws -> Section {
        guard let value else { throw PipelineSettingsError(problems: ["\(name) was selected but is not configured"]) }
        return value
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
