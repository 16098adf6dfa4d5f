import CoreMetrics
import Metrics
import Synchronization
import Telemetry

/// The pipeline's swift-metrics instruments, created from an injected factory (never the
/// global one, so tests can read them) with the catalogue's names and dimensions:
/// `StageLatency` by `Stage`, `ProviderErrors` and `TokensUsed` by `Provider` (the
/// provider's technology: `openai`, `cohere`, `supabase`, `postgres`, `sqlite`, `local`),
/// `InputTokens`, `OutputTokens` and `SearchUnits` by `Provider` = the provider's full name
/// (its model), and the quality metrics of delivered proposals.
final class PipelineInstruments: Sendable {
    private let factory: any MetricsFactory
    private let stageTimers: [PipelineStage: Metrics.Timer]
    private let providerCounters = Mutex<[String: (errors: Counter, tokens: Counter)]>([:])
    private let unansweredQuestions: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        unansweredQuestions = Counter(label: MetricCatalogue.questionsUnanswered.name, factory: factory)
        var timers: [PipelineStage: Metrics.Timer] = [:]
        for stage in PipelineStage.allCases {
            timers[stage] = Metrics.Timer(
                label: MetricCatalogue.stageLatency.name,
                dimensions: [(MetricDimension.stage.rawValue, stage.rawValue)],
                factory: factory
            )
        }
        stageTimers = timers
    }

    func recordStage(_ stage: PipelineStage, duration: Duration) {
        let (seconds, attoseconds) = duration.components
        stageTimers[stage]?.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Screening questions a delivered proposal left unanswered.
    func questionsUnanswered(_ count: Int) {
        guard count > 0 else { return }
        unansweredQuestions.increment(by: count)
    }

    func providerError(_ provider: ProviderIdentity) {
        counters(for: provider.system).errors.increment()
    }

    /// `TokensUsed` (input + output) by technology, `InputTokens`, `OutputTokens` and
    /// `SearchUnits` by the provider's full name (its model).
    func modelUsage(_ usage: TokenUsage, provider: ProviderIdentity) {
        let total = usage.inputTokens + usage.outputTokens
        if total > 0 { counters(for: provider.system).tokens.increment(by: total) }
        let byModel = [(MetricDimension.provider.rawValue, provider.name)]
        for (definition, count) in [
            (MetricCatalogue.inputTokens, usage.inputTokens), (MetricCatalogue.outputTokens, usage.outputTokens),
            (MetricCatalogue.searchUnits, usage.searchUnits),
        ] where count > 0 {
            Counter(label: definition.name, dimensions: byModel, factory: factory).increment(by: count)
        }
    }

    /// The quality signals of a delivered proposal: `ProposalGroundedness` (when it has claims),
    /// `UnsupportedClaims`, `QuestionsAsked`, `QuestionsUnanswered`, `ProposalLengthOutOfRange`.
    func quality(_ signals: QualitySignals) {
        if let groundedness = signals.groundedness {
            Recorder(label: MetricCatalogue.proposalGroundedness.name, factory: factory).record(groundedness)
        }
        for (definition, count) in [
            (MetricCatalogue.unsupportedClaims, signals.unsupportedClaims.count),
            (MetricCatalogue.questionsAsked, signals.questionsAsked),
            (MetricCatalogue.questionsUnanswered, signals.questionsUnanswered),
            (MetricCatalogue.proposalLengthOutOfRange, signals.lengthWithinRange ? 0 : 1),
        ] where count > 0 {
            Counter(label: definition.name, factory: factory).increment(by: count)
        }
    }

    /// A schema repair request (`ModelRepairs`).
    func repaired() {
        Counter(label: MetricCatalogue.modelRepairs.name, factory: factory).increment()
    }

    /// A draft the output guard blocked (`GuardBlocks`).
    func guardBlocked() {
        Counter(label: MetricCatalogue.guardBlocks.name, factory: factory).increment()
    }

    /// A stage that fell back without failing the job (`DegradedJobs` by `Stage`).
    func degraded(_ stage: PipelineStage) {
        Counter(label: MetricCatalogue.degradedJobs.name, dimensions: [(MetricDimension.stage.rawValue, stage.rawValue)], factory: factory)
            .increment()
    }

    private func counters(for system: String) -> (errors: Counter, tokens: Counter) {
        providerCounters.withLock { counters in
            if let existing = counters[system] { return existing }
            let dimensions = [(MetricDimension.provider.rawValue, system)]
            let made = (
                errors: Counter(label: MetricCatalogue.providerErrors.name, dimensions: dimensions, factory: factory),
                tokens: Counter(label: MetricCatalogue.tokensUsed.name, dimensions: dimensions, factory: factory)
            )
            counters[system] = made
            return made
        }
    }
}
