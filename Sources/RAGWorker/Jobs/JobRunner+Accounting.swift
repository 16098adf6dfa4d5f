import Logging
import RAGPipeline
import Synchronization
import Telemetry
import Tracing

/// Prices job runs and names, once per process, each model the price table does not know.
final class JobCosting: Sendable {
    let prices: PriceTable
    private let warned = Mutex<Set<String>>([])

    init(prices: PriceTable = .defaults) {
        self.prices = prices
    }

    /// The cost of `calls`; logs a warning the first time a model without a price is seen.
    func cost(of calls: [ModelCallUsage], logger: Logger) -> JobCost {
        let cost = prices.cost(of: calls)
        for model in cost.unpricedModels where warned.withLock({ $0.insert(model).inserted }) {
            logger.warning("a model has no price: its calls are priced 0 until RAG_MODEL_PRICES names it", metadata: [
                "model": "\(model)",
            ])
        }
        return cost
    }
}

/// What one run of a job spent, and the quality of its proposal when it has one.
struct JobAccounting: Sendable {
    var cost: JobCost
    var quality: QualitySignals?
}

extension JobRunner {
    /// Prices the run and writes its cost and quality signals on the `rag.job` span: attributes,
    /// and one `gen_ai.evaluation.result` event per signal (docs/observability.md).
    func account(_ outcome: RunOutcome, usage: JobUsageLog, on span: some Span, logger: Logger) -> JobAccounting {
        let cost = costing.cost(of: usage.calls, logger: logger)
        let totals = cost.usage
        span.attributes[Telemetry.SpanAttributes.costUSD] = cost.totalUSD
        span.attributes[Telemetry.SpanAttributes.jobInputTokens] = totals.inputTokens
        span.attributes[Telemetry.SpanAttributes.jobOutputTokens] = totals.outputTokens
        if totals.searchUnits > 0 { span.attributes[Telemetry.SpanAttributes.searchUnits] = totals.searchUnits }
        if !cost.unpricedModels.isEmpty { span.attributes[Telemetry.SpanAttributes.unpricedModels] = cost.unpricedModels }

        var quality: QualitySignals?
        switch outcome {
        case .finished(.succeeded(let result)):
            quality = result.analysis.quality
            if let quality { Self.annotate(span, with: quality, responseID: Self.chatResponseID(usage)) }
        case .finished(.failed(let failure)):
            // No proposal, so no quality signals; what stopped it still counts.
            if failure.code == PipelineError.Code.unsafeOutput.rawValue { span.attributes[Telemetry.SpanAttributes.guardBlocks] = 1 }
            if failure.code == PipelineError.Code.invalidModelOutput.rawValue { span.attributes[Telemetry.SpanAttributes.repairs] = 1 }
        case .interrupted:
            break
        }
        return JobAccounting(cost: cost, quality: quality)
    }

    /// The id of the chat completion that wrote the proposal, which the evaluation events name.
    private static func chatResponseID(_ usage: JobUsageLog) -> String? {
        usage.calls.last { $0.stage == .generate }?.usage.responseID
    }

    /// Quality signals as attributes and `gen_ai.evaluation.result` events. The unsupported
    /// sentences stay on the instance (``SpanAttributes/localOnly``), at most 20 of 500 characters.
    static func annotate(_ span: some Span, with quality: QualitySignals, responseID: String?) {
        span.attributes[Telemetry.SpanAttributes.qualityEvaluator] = quality.evaluator
        if let groundedness = quality.groundedness { span.attributes[Telemetry.SpanAttributes.groundedness] = groundedness }
        span.attributes[Telemetry.SpanAttributes.claims] = quality.claims
        span.attributes[Telemetry.SpanAttributes.unsupportedClaims] = quality.unsupportedClaims.count
        if !quality.unsupportedClaims.isEmpty {
            span.attributes[Telemetry.SpanAttributes.unsupportedClaimsText] = quality.unsupportedClaims.prefix(20).map { String($0.prefix(500)) }
        }
        span.attributes[Telemetry.SpanAttributes.questionsAsked] = quality.questionsAsked
        span.attributes[Telemetry.SpanAttributes.questionsAnswered] = quality.questionsAnswered
        span.attributes[Telemetry.SpanAttributes.words] = quality.words
        span.attributes[Telemetry.SpanAttributes.lengthWithinRange] = quality.lengthWithinRange
        span.attributes[Telemetry.SpanAttributes.repairs] = quality.repairs
        span.attributes[Telemetry.SpanAttributes.guardBlocks] = quality.guardBlocks
        span.attributes[Telemetry.SpanAttributes.degradedStages] = quality.degradedStages

        for evaluation in evaluations(quality) {
            var attributes: Tracing.SpanAttributes = [:]
            attributes[Telemetry.SpanAttributes.genAIEvaluationName] = evaluation.name
            if let score = evaluation.score { attributes[Telemetry.SpanAttributes.genAIEvaluationScoreValue] = score }
            attributes[Telemetry.SpanAttributes.genAIEvaluationScoreLabel] = evaluation.label
            attributes[Telemetry.SpanAttributes.genAIEvaluationExplanation] = evaluation.explanation
            if let responseID { attributes[Telemetry.SpanAttributes.genAIResponseID] = responseID }
            span.addEvent(SpanEvent(name: Telemetry.SpanAttributes.genAIEvaluationEvent, attributes: attributes))
        }
    }

    /// One evaluation per signal: name, score, a low-cardinality label and a one-line explanation
    /// (counts only, never proposal text).
    static func evaluations(_ quality: QualitySignals) -> [(name: String, score: Double?, label: String, explanation: String)] {
        let grounded = quality.groundedness.map { $0 >= ServiceLevelObjectives.groundednessThreshold }
        return [
            ("groundedness", quality.groundedness, grounded.map { $0 ? "grounded" : "ungrounded" } ?? "no_claims",
             "\(quality.supportedClaims) of \(quality.claims) claims about past work supported by a retrieved reference"),
            ("question_coverage", quality.questionsAsked == 0 ? nil : Double(quality.questionsAnswered) / Double(quality.questionsAsked),
             quality.questionsAnswered == quality.questionsAsked ? "complete" : "incomplete",
             "\(quality.questionsAnswered) of \(quality.questionsAsked) screening questions answered"),
            ("length", Double(quality.words), quality.lengthWithinRange ? "within_range" : "out_of_range",
             "\(quality.words) words, asked \(quality.askedWords.min)–\(quality.askedWords.max)"),
            ("repairs", Double(quality.repairs), quality.repairs == 0 ? "none" : "repaired", "\(quality.repairs) schema repair request(s)"),
            ("guard_blocks", Double(quality.guardBlocks), quality.guardBlocks == 0 ? "pass" : "blocked",
             "\(quality.guardBlocks) output guard block(s)"),
            ("degraded_stages", Double(quality.degradedStages.count), quality.degradedStages.isEmpty ? "none" : "degraded",
             quality.degradedStages.isEmpty ? "no stage fell back" : "fell back: \(quality.degradedStages.joined(separator: ", "))"),
        ]
    }
}
