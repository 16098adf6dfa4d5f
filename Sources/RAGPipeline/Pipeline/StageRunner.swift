import Curl
import Logging
import Telemetry
import Tracing

/// Runs one stage of a job: its span, its share of the deadline, its retries, its timing in
/// the job record and its metrics, and the mapping of failures to ``PipelineError``.
struct StageRunner: Sendable {
    let tracer: any Tracer
    let instruments: PipelineInstruments
    let timeouts: StageTimeouts
    let retry: RetryPolicy

    /// What a stage's body produced, beyond its value, for the span and the timing.
    struct Output<Value: Sendable>: Sendable {
        var value: Value
        var outcome = "ok"
        var usage: TokenUsage?
        var items: Int?
    }

    /// Runs `body` as `stage` served by `provider`.
    ///
    /// - Parameter failureOutcome: the outcome recorded when the stage fails (`degraded` for
    ///   a stage the job can do without).
    /// - Throws: ``PipelineError`` (any other error is mapped to one), or `CancellationError`
    ///   unchanged when the job is cancelled.
    func run<Value: Sendable>(
        _ stage: PipelineStage,
        provider: ProviderIdentity,
        context: JobContext,
        failureOutcome: String = "failed",
        _ body: @Sendable (ProviderCall) async throws -> Output<Value>
    ) async throws -> Value {
        try await traced(tracer, stage: stage, provider: provider, context: context, failureOutcome: failureOutcome, body)
    }

    private func traced<T: Tracer, Value: Sendable>(
        _ tracer: T,
        stage: PipelineStage,
        provider: ProviderIdentity,
        context: JobContext,
        failureOutcome: String,
        _ body: @Sendable (ProviderCall) async throws -> Output<Value>
    ) async throws -> Value {
        let started = ContinuousClock.now
        let limits = timeouts.limits(for: stage, jobDeadline: context.deadline, now: started)
        var logger = context.logger
        logger[metadataKey: LogKeys.stage] = "\(stage.rawValue)"
        logger[metadataKey: LogKeys.provider] = "\(provider.name)"
        let instruments = self.instruments
        let capture = context.capture
        let recorder = AttemptRecorder { error in
            instruments.providerError(provider)
            capture.failure(stage: stage.rawValue, provider: provider.name, status: error.status, code: error.providerCode,
                            message: error.providerMessage)
        }
        var call = ProviderCall(
            provider: provider, deadline: limits.deadline, attemptTimeout: limits.attemptTimeout,
            policy: retry, logger: logger, recorder: recorder, capture: capture, stage: stage.rawValue
        )
        if !provider.isEmbedded { call.attemptSpans = Self.attemptSpans(tracer, stage: stage, provider: provider) }

        return try await tracer.withSpan(stage.spanName, ofKind: .internal) { span in
            span.attributes[Telemetry.SpanAttributes.stage] = stage.rawValue
            span.attributes[Telemetry.SpanAttributes.provider] = provider.name
            span.attributes[Telemetry.SpanAttributes.jobID] = context.jobID
            if let model = provider.model {
                span.attributes[Telemetry.SpanAttributes.genAIOperationName] = Self.genAIOperation(stage)
                span.attributes[Telemetry.SpanAttributes.genAIProviderName] = provider.system
                span.attributes[Telemetry.SpanAttributes.genAIRequestModel] = model
            }
            do {
                guard context.remaining > .zero else {
                    throw PipelineError(code: .deadlineExceeded, stage: stage, provider: provider.name, attempts: 0,
                                        message: "the job's deadline passed before the stage started")
                }
                let output = try await body(call)
                record(recorder.usage ?? output.usage, on: span, stage: stage, provider: provider, context: context)
                if let items = output.items { span.attributes[Telemetry.SpanAttributes.itemCount] = items }
                // Stages without a provider call (keyword boost) count as one attempt.
                await finish(span, stage: stage, provider: provider, started: started, attempts: max(1, recorder.attempts),
                             outcome: output.outcome, context: context)
                return output.value
            } catch is CancellationError {
                record(recorder.usage, on: span, stage: stage, provider: provider, context: context)
                await finish(span, stage: stage, provider: provider, started: started, attempts: recorder.attempts,
                             outcome: "cancelled", context: context)
                throw CancellationError()
            } catch {
                let failure = Self.pipelineError(error, stage: stage, provider: provider, attempts: recorder.attempts,
                                                 jobDeadline: context.deadline, cutByJobDeadline: limits.cutByJobDeadline)
                record(recorder.usage, on: span, stage: stage, provider: provider, context: context)
                span.attributes[Telemetry.SpanAttributes.errorCode] = failure.code.rawValue
                span.setStatus(SpanStatus(code: .error, message: failure.code.rawValue))
                var details: Logger.Metadata = ["error": "\(failure)"]
                if let said = failure.providerMessage {
                    // Content (it may echo the request): the ring buffer keeps it, the exporters withhold it.
                    span.attributes[Telemetry.SpanAttributes.providerMessage] = said
                    details[LogKeys.providerMessage] = "\(said)"
                }
                logger.warning("stage failed", metadata: details)
                await finish(span, stage: stage, provider: provider, started: started, attempts: failure.attempts,
                             outcome: failureOutcome, context: context)
                throw failure
            }
        }
    }

    /// The client span of each call to a remote provider: named `{operation} {model}` for model
    /// calls, as the GenAI semantic conventions name them (e.g. `chat gpt-4o-mini`), else after the
    /// provider (`supabase match_documents`).
    static func attemptSpans(_ tracer: any Tracer, stage: PipelineStage, provider: ProviderIdentity) -> ProviderCall.AttemptSpans {
        var attributes: Tracing.SpanAttributes = [:]
        attributes[Telemetry.SpanAttributes.provider] = provider.name
        attributes[Telemetry.SpanAttributes.stage] = stage.rawValue
        guard let model = provider.model else {
            return .init(tracer: tracer, name: String(provider.name.map { $0 == ":" ? " " : $0 }), attributes: attributes)
        }
        let operation = genAIOperation(stage)
        attributes[Telemetry.SpanAttributes.genAIOperationName] = operation
        attributes[Telemetry.SpanAttributes.genAIProviderName] = provider.system
        attributes[Telemetry.SpanAttributes.genAIRequestModel] = model
        return .init(tracer: tracer, name: "\(operation) \(model)", attributes: attributes)
    }

    /// Puts a model stage's usage on its span (OpenTelemetry GenAI names), in the job's usage
    /// log and in the token metrics. Stages without a model, or without reported usage, add nothing.
    private func record(
        _ usage: TokenUsage?, on span: some Span, stage: PipelineStage, provider: ProviderIdentity, context: JobContext
    ) {
        guard let usage, let model = provider.model else { return }
        span.attributes[Telemetry.SpanAttributes.genAIInputTokens] = usage.inputTokens
        span.attributes[Telemetry.SpanAttributes.genAIOutputTokens] = usage.outputTokens
        if usage.cachedInputTokens > 0 { span.attributes[Telemetry.SpanAttributes.genAICacheReadInputTokens] = usage.cachedInputTokens }
        if usage.reasoningTokens > 0 { span.attributes[Telemetry.SpanAttributes.genAIReasoningOutputTokens] = usage.reasoningTokens }
        if usage.searchUnits > 0 { span.attributes[Telemetry.SpanAttributes.searchUnits] = usage.searchUnits }
        if let responseModel = usage.responseModel { span.attributes[Telemetry.SpanAttributes.genAIResponseModel] = responseModel }
        if let responseID = usage.responseID { span.attributes[Telemetry.SpanAttributes.genAIResponseID] = responseID }
        instruments.modelUsage(usage, provider: provider)
        context.usage.append(ModelCallUsage(
            stage: stage, operation: Self.genAIOperation(stage), provider: provider.system, providerName: provider.name,
            model: model, usage: usage))
    }

    /// `gen_ai.operation.name` of a stage's model call.
    static func genAIOperation(_ stage: PipelineStage) -> String {
        switch stage {
        case .embed: "embeddings"
        case .generate: "chat"
        default: "retrieval"
        }
    }

    private func finish(
        _ span: some Span, stage: PipelineStage, provider: ProviderIdentity, started: ContinuousClock.Instant,
        attempts: Int, outcome: String, context: JobContext
    ) async {
        let elapsed = ContinuousClock.now - started
        span.attributes[Telemetry.SpanAttributes.attempts] = attempts
        span.attributes[Telemetry.SpanAttributes.outcome] = outcome
        instruments.recordStage(stage, duration: elapsed)
        await context.recordStage(StageTiming(
            stage: stage, milliseconds: elapsed.seconds * 1000, provider: provider.name, attempts: attempts, outcome: outcome
        ))
    }

    /// The job-level error for a stage's failure.
    ///
    /// A time-out is `deadline_exceeded` when the job's deadline shortened the stage's budget
    /// or has (all but) passed, and `provider_unavailable` (`store_unavailable` for retrieve and
    /// persist) when the stage had its full budget and the provider was slower. Other transient
    /// failures left after the retries are `provider_unavailable` / `store_unavailable`;
    /// refusals are `provider_rejected` (`store_unavailable` for stores).
    static func pipelineError(
        _ error: any Error, stage: PipelineStage, provider: ProviderIdentity, attempts: Int,
        jobDeadline: ContinuousClock.Instant, cutByJobDeadline: Bool = false
    ) -> PipelineError {
        if var failure = error as? PipelineError {
            failure.attempts = max(failure.attempts, attempts)
            return failure
        }
        guard let error = error as? ProviderError else {
            return PipelineError(code: .internalError, stage: stage, provider: provider.name, attempts: max(1, attempts),
                                 message: "unexpected \(type(of: error))")
        }
        let outOfTime = cutByJobDeadline || ContinuousClock.now + .milliseconds(100) >= jobDeadline
        let isStore = stage == .retrieve || stage == .persist
        let code: PipelineError.Code = switch error.kind {
        case .timedOut where outOfTime: .deadlineExceeded
        case .invalidOutput: .invalidModelOutput
        case _ where isStore: .storeUnavailable
        case .throttled, .serverError, .transport, .timedOut, .malformedResponse: .providerUnavailable
        case .rejected, .notConfigured: .providerRejected
        }
        return PipelineError(code: code, stage: stage, provider: provider.name, status: error.status,
                             attempts: max(1, attempts), message: error.message, providerMessage: error.providerMessage)
    }
}
