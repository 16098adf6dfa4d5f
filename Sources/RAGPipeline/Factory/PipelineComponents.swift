import Logging
import PostgresNIO
import SQLite
import Telemetry

/// What ``PipelineFactory`` builds: the pipeline, its providers, and the resources the host
/// process must run or close.
public struct PipelineComponents: Sendable {
    public let pipeline: ProposalPipeline
    /// Set when `DATABASE_URL` is configured. It is a swift-service-lifecycle `Service`: the
    /// host must run it (add it to the `ServiceGroup`, or use ``PipelineFactory/withComponents``)
    /// before the pipeline or ``migrate(logger:)`` touches Postgres.
    public let postgresClient: RotatingPostgresClient?
    /// The embedded stores' database, when a stage uses SQLite.
    public let sqliteDatabase: SQLiteDatabase?
    /// Provider per stage, in stage order.
    public let stageProviders: [StageProvider]
    /// Batch size of the configured embedder for `ingest`.
    public var providers: ProposalPipeline.Providers { pipeline.providers }

    /// Lines like `embed: openai:text-embedding-3-small`, one per stage.
    public var summary: [String] { stageProviders.map(\.description) }

    /// An ingestor writing to the configured store with the configured embedder.
    public func ingestor(logger: Logger) -> Ingestor {
        Ingestor(embedder: providers.embedder, store: providers.vectorStore, logger: logger)
    }

    /// What retrieval can find in the configured store for the configured embedder. Bounded: one
    /// attempt of at most `timeout`, so a start-up check or `rag-worker config` never hangs on
    /// an unreachable store.
    public func storeInventory(timeout: Duration = .seconds(10), logger: Logger) async throws -> StoreInventory {
        let store = providers.vectorStore
        let call = ProviderCall.standalone(
            provider: store.identity, budget: timeout, attemptTimeout: timeout, policy: RetryPolicy(maxAttempts: 1), logger: logger)
        return try await store.inventory(embeddingModel: providers.embedder.identity.name, call: call)
    }

    /// Applies the shipped Postgres migrations when a Postgres connection is configured
    /// (the client must be running). Returns the versions applied now.
    @discardableResult
    public func migrate(logger: Logger) async throws -> [String] {
        guard let postgresClient else { return [] }
        return try await PostgresMigrator(client: postgresClient.client, logger: logger).migrate()
    }
}
