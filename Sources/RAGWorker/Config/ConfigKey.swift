/// Every environment variable (and secret key) the worker reads. docs/configuration.md lists them.
enum ConfigKey {
    // Server
    static let port = "PORT"
    static let host = "HOST"
    static let profile = "RAG_PROFILE"
    static let platform = "RAG_PLATFORM"
    static let allowUnauthenticated = "RAG_ALLOW_UNAUTHENTICATED"
    static let logLevel = "LOG_LEVEL"
    static let basicAuthUser = "BASIC_AUTH_USER"
    static let basicAuthPass = "BASIC_AUTH_PASS"
    static let maxBodyBytes = "RAG_MAX_BODY_BYTES"
    static let acceptTimeout = "RAG_ACCEPT_TIMEOUT_SECONDS"
    static let maxConnections = "RAG_HTTP_MAX_CONNECTIONS"
    static let idleTimeout = "RAG_HTTP_IDLE_TIMEOUT_SECONDS"
    static let requestReadTimeout = "RAG_HTTP_REQUEST_TIMEOUT_SECONDS"

    // Jobs
    static let dataDirectory = "RAG_DATA_DIR"
    static let concurrency = "RAG_CONCURRENCY"
    static let maxBacklog = "RAG_MAX_BACKLOG"
    static let shutdownGrace = "RAG_SHUTDOWN_GRACE_SECONDS"
    static let jobDeadline = "RAG_JOB_DEADLINE_SECONDS"
    static let sloFile = "RAG_SLO_FILE"
    static let sqliteSync = "RAG_SQLITE_SYNC"
    static let databaseURL = "DATABASE_URL"
    static let leaseSeconds = "RAG_LEASE_SECONDS"
    static let jobRetentionDays = "RAG_JOB_RETENTION_DAYS"

    // Fleet
    static let maxInstances = "RAG_MAX_INSTANCES"
    static let fleetHeartbeat = "RAG_FLEET_HEARTBEAT_SECONDS"

    // Webhook
    static let webhookURL = "WEBHOOK_URL"
    static let webhookSecret = "WEBHOOK_SECRET"
    static let webhookSecretPrevious = "WEBHOOK_SECRET_PREVIOUS"
    static let webhookSecretPreviousExpires = "WEBHOOK_SECRET_PREVIOUS_EXPIRES"
    static let webhookMaxAttempts = "RAG_WEBHOOK_MAX_ATTEMPTS"
    static let webhookTimeout = "RAG_WEBHOOK_TIMEOUT_SECONDS"
    static let webhookBackoffBase = "RAG_WEBHOOK_BACKOFF_BASE_SECONDS"
    static let webhookBackoffMax = "RAG_WEBHOOK_BACKOFF_MAX_SECONDS"

    // Providers
    static let openAIKey = "OPENAI_API_KEY"
    static let openAIBaseURL = "OPENAI_BASE_URL"
    static let openAIModel = "OPENAI_MODEL"
    static let openAIEmbeddingModel = "OPENAI_EMBEDDING_MODEL"
    static let cohereKey = "COHERE_API_KEY"
    static let cohereBaseURL = "COHERE_BASE_URL"
    static let cohereModel = "COHERE_RERANK_MODEL"
    static let supabaseURL = "SUPABASE_URL"
    static let supabaseKey = "SUPABASE_KEY"
    static let modelPrices = "RAG_MODEL_PRICES"

    // Secrets Manager
    static let secretID = "RAG_SECRET_ID"
    static let secretTTL = "RAG_SECRET_TTL_SECONDS"

    // Telemetry
    static let endpointName = "RAG_ENDPOINT_NAME"
    static let cloudWatch = "RAG_CLOUDWATCH"
    static let logGroup = "RAG_LOG_GROUP"
    static let metricsNamespace = "RAG_METRICS_NAMESPACE"
    /// OTLP headers (e.g. a tracing vendor's API key): secret, read by the Telemetry module.
    static let otlpHeaders = "OTEL_EXPORTER_OTLP_HEADERS"
    static let otlpTracesHeaders = "OTEL_EXPORTER_OTLP_TRACES_HEADERS"

    /// Keys whose values are secrets: never logged, printed, traced or sent in a webhook.
    static let secretKeys: Set<String> = [
        basicAuthPass, webhookSecret, webhookSecretPrevious, openAIKey, cohereKey, supabaseKey, databaseURL,
        otlpHeaders, otlpTracesHeaders,
    ]

    /// Keys that may change while the worker runs (a refreshed Secrets Manager secret): the
    /// secrets, and the end of a webhook secret rotation, which travels with the previous secret.
    static let rotatingKeys: Set<String> = secretKeys.union([webhookSecretPreviousExpires])
}
