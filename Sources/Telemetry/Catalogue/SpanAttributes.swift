/// Span and log attribute names. OpenTelemetry semantic-convention names where one exists
/// (HTTP, GenAI, errors), `rag.*` for the worker's own. Only names the code sets are here;
/// docs/observability.md lists each (a test keeps the two in step).
///
/// GenAI names follow the OpenTelemetry semantic conventions v1.41.0 (GenAI: status
/// Development); docs/observability.md pins the version.
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
    /// Billed search units of a rerank call (Cohere); no GenAI name exists for them.
    public static let searchUnits = "rag.usage.search_units"
    /// The `message` field of a provider's error answer (sanitized, at most 300 characters):
    /// provider reply text, so it stays on the instance (``ContentPolicy``).
    public static let providerMessage = "rag.provider.message"
    /// Where the job's prompts and replies were captured (`local` or `s3`), when capture is on.
    public static let captureStore = "rag.capture.store"
    /// The capture object's `s3://bucket/key`, on `rag.job` when capture goes to S3.
    public static let captureURI = "rag.capture.uri"
    /// On `rag.slo` spans: which SLO counted an event, how it judged it and why.
    public static let sloName = "rag.slo.name"
    public static let sloOutcome = "rag.slo.outcome"
    public static let sloCause = "rag.slo.cause"

    // The job's quality signals, on `rag.job`
    public static let qualityEvaluator = "rag.quality.evaluator"
    public static let groundedness = "rag.quality.groundedness"
    public static let claims = "rag.quality.claims"
    public static let unsupportedClaims = "rag.quality.unsupported_claims"
    /// The unsupported sentences themselves: kept in the ring buffer only (``localOnly``).
    public static let unsupportedClaimsText = "rag.quality.unsupported_claims.text"
    public static let questionsAsked = "rag.quality.questions.asked"
    public static let questionsAnswered = "rag.quality.questions.answered"
    public static let words = "rag.quality.words"
    public static let lengthWithinRange = "rag.quality.length.within_range"
    public static let repairs = "rag.quality.repairs"
    public static let guardBlocks = "rag.quality.guard_blocks"
    public static let degradedStages = "rag.quality.degraded_stages"

    // The job's usage and cost, on `rag.job`
    public static let jobInputTokens = "rag.usage.input_tokens"
    public static let jobOutputTokens = "rag.usage.output_tokens"
    public static let costUSD = "rag.cost.usd"
    /// Models the price table does not know (priced 0).
    public static let unpricedModels = "rag.cost.unpriced_models"

    // OpenTelemetry: GenAI (model call spans: `rag.embed`, `rag.rerank`, `rag.generate`)
    public static let genAIOperationName = "gen_ai.operation.name"
    public static let genAIProviderName = "gen_ai.provider.name"
    public static let genAIRequestModel = "gen_ai.request.model"
    public static let genAIResponseModel = "gen_ai.response.model"
    public static let genAIResponseID = "gen_ai.response.id"
    public static let genAIInputTokens = "gen_ai.usage.input_tokens"
    public static let genAIOutputTokens = "gen_ai.usage.output_tokens"
    public static let genAICacheReadInputTokens = "gen_ai.usage.cache_read.input_tokens"
    public static let genAIReasoningOutputTokens = "gen_ai.usage.reasoning.output_tokens"

    // OpenTelemetry: GenAI evaluation events (`gen_ai.evaluation.result`, on `rag.job`)
    public static let genAIEvaluationEvent = "gen_ai.evaluation.result"
    public static let genAIEvaluationName = "gen_ai.evaluation.name"
    public static let genAIEvaluationScoreValue = "gen_ai.evaluation.score.value"
    public static let genAIEvaluationScoreLabel = "gen_ai.evaluation.score.label"
    public static let genAIEvaluationExplanation = "gen_ai.evaluation.explanation"

    // OpenTelemetry: HTTP and errors
    public static let httpStatusCode = "http.response.status_code"
    public static let errorType = "error.type"

    /// Attributes written to the ring buffer but never to CloudWatch Logs: they hold proposal
    /// text (docs/observability.md, "What stays on the instance").
    public static let localOnly: Set<String> = [unsupportedClaimsText]

    /// Every name above, for the documentation test.
    public static let all: [String] = [
        jobID, stage, provider, attempts, outcome, errorCode, itemCount, searchUnits, providerMessage, captureStore, captureURI,
        qualityEvaluator, groundedness, claims, unsupportedClaims, unsupportedClaimsText, questionsAsked, questionsAnswered,
        words, lengthWithinRange, repairs, guardBlocks, degradedStages, jobInputTokens, jobOutputTokens, costUSD, unpricedModels,
        genAIOperationName, genAIProviderName, genAIRequestModel, genAIResponseModel, genAIResponseID, genAIInputTokens,
        genAIOutputTokens, genAICacheReadInputTokens, genAIReasoningOutputTokens, genAIEvaluationEvent, genAIEvaluationName,
        genAIEvaluationScoreValue, genAIEvaluationScoreLabel, genAIEvaluationExplanation, httpStatusCode, errorType,
        sloName, sloOutcome, sloCause,
    ]
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
    /// A provider error's `message` field (content: never leaves the instance).
    public static let providerMessage = "provider.message"
}
