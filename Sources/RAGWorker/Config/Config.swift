import Foundation
import Logging
import RAGPipeline
import SQLite
import Telemetry

/// The worker's whole configuration, built once at start-up from the environment overridden by
/// the Secrets Manager secret (when `RAG_SECRET_ID` is set), and validated as a whole.
///
/// docs/configuration.md documents each variable; `rag-worker config` prints the result with
/// secrets redacted.
struct Config: Sendable {
    /// `local` lets each missing provider fall back to its embedded default; `production`
    /// requires every real provider and the webhook.
    enum Profile: String, Sendable, CaseIterable {
        case local
        case production
    }

    /// Where the worker runs, which decides who authenticates callers.
    enum Platform: String, Sendable, CaseIterable {
        /// A plain host, local Docker, a laptop: callers reach the worker directly, so HTTP Basic
        /// auth (`BASIC_AUTH_USER`/`BASIC_AUTH_PASS`) protects the API. `HOST` defaults to loopback.
        case direct
        /// A SageMaker endpoint: IAM authenticates callers at InvokeEndpoint, SageMaker does not
        /// forward `Authorization`, and only `/ping` and `/invocations` are reachable. `HOST`
        /// defaults to `0.0.0.0` (SageMaker connects from outside the container).
        case sagemaker
    }

    /// Limits of the HTTP server against clients that open connections and send nothing or
    /// little (docs/configuration.md, "Server").
    struct HTTPServer: Sendable {
        /// `RAG_HTTP_MAX_CONNECTIONS`: open connections kept at most; past it a new connection
        /// closes the one idle the longest (derived from the open-file limit when unset).
        var maxConnections: Int
        /// `RAG_HTTP_IDLE_TIMEOUT_SECONDS`, default 75: a connection with no request in progress
        /// (including one that never completes its request head) is closed after this long.
        var idleTimeout: Duration
        /// `RAG_HTTP_REQUEST_TIMEOUT_SECONDS`, default 30: a request's body must arrive in full
        /// within this long after its head, else the connection is closed.
        var requestReadTimeout: Duration
    }

    /// OpenAI (or any OpenAI-compatible server): embeddings and chat completions.
    struct OpenAI: Sendable {
        /// `OPENAI_BASE_URL`, default `https://api.openai.com/v1`.
        var baseURL: String
        /// `OPENAI_MODEL`, default `gpt-4o-mini`.
        var model: String
        /// `OPENAI_EMBEDDING_MODEL`, default `text-embedding-3-small`.
        var embeddingModel: String
    }

    /// Cohere rerank.
    struct Cohere: Sendable {
        /// `COHERE_BASE_URL`, default `https://api.cohere.com`.
        var baseURL: String
        /// `COHERE_RERANK_MODEL`, default `rerank-v3.5`.
        var model: String
    }

    /// Supabase's REST API (PostgREST): `match_documents` RPC and result inserts.
    struct Supabase: Sendable {
        /// `SUPABASE_URL`, the project URL without `/rest/v1`.
        var url: String
    }

    /// Where and how results are delivered.
    struct Webhook: Sendable {
        /// `WEBHOOK_URL`; unset means the local sink (stored, printed) in the `local` profile.
        var url: String?
        /// `RAG_WEBHOOK_MAX_ATTEMPTS`, default 6: attempts before a delivery is dead-lettered.
        var maxAttempts: Int
        /// `RAG_WEBHOOK_TIMEOUT_SECONDS`, default 10: total time limit of one attempt.
        var timeout: Duration
        /// `RAG_WEBHOOK_BACKOFF_BASE_SECONDS`, default 1: first retry delay before jitter.
        var backoffBase: Duration
        /// `RAG_WEBHOOK_BACKOFF_MAX_SECONDS`, default 60: largest retry delay.
        var backoffMax: Duration
    }

    var profile: Profile
    /// `RAG_PLATFORM`, default `direct`; the CDK stack sets `sagemaker`.
    var platform: Platform
    /// `RAG_ALLOW_UNAUTHENTICATED`, default off: lets `RAG_PROFILE=production` run on `direct`
    /// without Basic auth (behind a gateway that authenticates); start-up warns.
    var allowUnauthenticated: Bool
    /// `HOST`, default `127.0.0.1` on `direct` and `0.0.0.0` on `sagemaker`.
    var host: String
    /// `PORT`, default 8080 (SageMaker's port).
    var port: Int
    /// `LOG_LEVEL`, default `info`.
    var logLevel: Logger.Level
    /// `BASIC_AUTH_USER`; with `BASIC_AUTH_PASS` (secret) it turns on Basic auth for the API.
    var basicAuthUser: String?
    /// `RAG_MAX_BODY_BYTES`, default 1 MiB: larger request bodies get 413.
    var maxBodyBytes: Int
    /// `RAG_ACCEPT_TIMEOUT_SECONDS`, default 1.5: the longest `/invocations` waits for the job store
    /// to commit a job before it answers 503 (a store that is down never makes a caller wait longer);
    /// also the health probe's limit, past which the store counts as unreachable.
    var acceptTimeLimit: Duration
    var httpServer: HTTPServer
    /// `RAG_DATA_DIR`, default `./data`: SQLite files (jobs, outbox, documents, telemetry).
    var dataDirectory: String
    /// `RAG_CONCURRENCY`, default 4: jobs run at once.
    var concurrency: Int
    /// `RAG_MAX_BACKLOG`, default 256: queued plus running jobs above which intake answers 429.
    var maxBacklog: Int
    /// `RAG_SHUTDOWN_GRACE_SECONDS`, default 25 (SageMaker's 30 s less an exit margin): the
    /// whole process's drain budget from SIGTERM, jobs, deliveries and telemetry (``DrainBudget``).
    var shutdownGrace: Duration
    /// `RAG_JOB_DEADLINE_SECONDS`, default 120: the promise, from a job's acceptance to its
    /// result at the webhook. Queue wait, earlier runs, the stages and the first webhook attempt
    /// share it (``JobDeadline``).
    var jobDeadline: Duration
    /// `RAG_SQLITE_SYNC`, default `normal`: `full` fsyncs every commit.
    var sqliteDurability: SQLiteDatabase.Durability
    /// `DATABASE_URL` (secret) present: jobs and outbox live in Postgres, shared by instances.
    var usesPostgres: Bool
    /// `RAG_LEASE_SECONDS`, default 30: how long a claimed job stays owned without a heartbeat.
    var leaseDuration: Duration
    /// `RAG_MAX_INSTANCES`, default 1: the most instances the deployment may scale to (the stack
    /// sets its `max_instances`). On SQLite more than one cannot share work: production warns.
    var maxInstances: Int
    /// `RAG_FLEET_HEARTBEAT_SECONDS`, default 15: how often the process renews its row in the
    /// fleet registry and publishes `BacklogPerInstance`; a row expires after three of these.
    var fleetHeartbeat: Duration
    /// `RAG_JOB_RETENTION_DAYS`, default 14: how long a delivered job's record is kept (and its
    /// `job_id` recognised as a repeat).
    var jobRetention: Duration
    var webhook: Webhook
    /// Set when `OPENAI_API_KEY` is configured.
    var openAI: OpenAI?
    /// Set when `COHERE_API_KEY` is configured.
    var cohere: Cohere?
    /// Set when `SUPABASE_URL` and `SUPABASE_KEY` are configured.
    var supabase: Supabase?
    /// The default prices with `RAG_MODEL_PRICES` (JSON) applied: what each job's cost is computed from.
    var modelPrices: PriceTable
    /// `RAG_SECRET_ID`: the Secrets Manager secret whose JSON keys override the environment.
    var secretID: String?
    /// `RAG_SECRET_TTL_SECONDS`, default 3600: how often the secret is refreshed.
    var secretTTL: Duration
    /// The Telemetry module's settings (ring buffer, CloudWatch export), read from the same environment.
    var telemetry: TelemetryConfiguration
    /// Values that may rotate; read them at use, never copy them.
    let secrets: SecretValues
    /// Settings that are allowed but risky (an unauthenticated API on a public address, a short
    /// secret outside production…): `serve` logs each at start-up and `config` prints them.
    var warnings: [String] = []
    /// `RAG_SLO_FILE`, default the SLO file shipped with the binary: the objectives the worker
    /// counts (the delivery SLO's limit, the sweep). A bad file stops start-up with its one line.
    var objectives = SLODefinitions(file: "", objectives: [])

    /// Of the job's deadline, what is kept for the first webhook attempt: its time limit, or a
    /// second for the local sink.
    var deliveryReserve: Duration {
        webhook.url == nil ? .seconds(1) : webhook.timeout
    }
}
