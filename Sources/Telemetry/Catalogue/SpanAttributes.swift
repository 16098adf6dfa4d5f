/// Span and log attribute names. OpenTelemetry semantic-convention names where one exists
/// (HTTP, GenAI, errors), `rag.*` for the worker's own. Only names the code sets are here;
/// docs/observability.md lists each (a test keeps the two in step).
public enum SpanAttributes {
    // The worker's own
    public static let jobID = "rag.job.id"
    public static let stage = "rag.stage"
    public static let provider = "rag.provider"
    public static let attempts = "rag.attempts"
    /// The attempt a provider call's client span is (1 for the first).
    public static let attempt = "rag.attempt"
    public static let outcome = "rag.outcome"
    public static let errorCode = "rag.error.code"
    public static let itemCount = "rag.items.count"

    // OpenTelemetry: GenAI
    public static let genAISystem = "gen_ai.system"
    public static let genAIOperationName = "gen_ai.operation.name"
    public static let genAIRequestModel = "gen_ai.request.model"
    public static let genAIInputTokens = "gen_ai.usage.input_tokens"
    public static let genAIOutputTokens = "gen_ai.usage.output_tokens"

    // OpenTelemetry: HTTP and errors
    public static let httpStatusCode = "http.response.status_code"
    public static let errorType = "error.type"
}

/// Logger metadata keys (dotted, as swift-log recommends).
public enum LogKeys {
    public static let jobID = "job.id"
    public static let traceID = "trace.id"
    /// The X-Ray form of `trace.id` (`1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`), added to every log
    /// line that has a trace id: CloudWatch's trace view finds a trace's log lines by it.
    public static let xrayTraceID = "xray.trace.id"
    public static let spanID = "span.id"
    public static let stage = "stage"
    public static let provider = "provider"
}
