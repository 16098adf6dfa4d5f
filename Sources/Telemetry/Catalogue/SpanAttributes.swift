/// Span and log attribute names. OpenTelemetry semantic-convention names where one exists
/// (HTTP, database, GenAI), `rag.*` for the worker's own.
public enum SpanAttributes {
    // The worker's own
    public static let jobID = "rag.job.id"
    public static let stage = "rag.stage"
    public static let provider = "rag.provider"
    public static let attempts = "rag.attempts"
    public static let outcome = "rag.outcome"
    public static let errorCode = "rag.error.code"
    public static let itemCount = "rag.items.count"
    public static let degraded = "rag.degraded"

    // OpenTelemetry: GenAI
    public static let genAISystem = "gen_ai.system"
    public static let genAIOperation = "gen_ai.operation.name"
    public static let genAIRequestModel = "gen_ai.request.model"
    public static let genAIInputTokens = "gen_ai.usage.input_tokens"
    public static let genAIOutputTokens = "gen_ai.usage.output_tokens"

    // OpenTelemetry: HTTP and database
    public static let httpMethod = "http.request.method"
    public static let httpStatusCode = "http.response.status_code"
    public static let httpRoute = "http.route"
    public static let serverAddress = "server.address"
    public static let dbSystem = "db.system.name"
    public static let dbOperation = "db.operation.name"
    public static let errorType = "error.type"
}

/// Logger metadata keys (dotted, as swift-log recommends).
public enum LogKeys {
    public static let jobID = "job.id"
    public static let traceID = "trace.id"
    public static let spanID = "span.id"
    public static let stage = "stage"
    public static let provider = "provider"
}
