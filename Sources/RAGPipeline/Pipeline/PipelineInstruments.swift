import CoreMetrics
import Metrics
import Synchronization
import Telemetry

/// The pipeline's swift-metrics instruments, created from an injected factory (never the
/// global one, so tests can read them) with the catalogue's names and dimensions:
/// `StageLatency` by `Stage`, `ProviderErrors` and `TokensUsed` by `Provider` (the
/// provider's technology: `openai`, `cohere`, `supabase`, `postgres`, `sqlite`, `local`), and
/// `QuestionsUnanswered`.
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

    func tokens(_ count: Int, provider: ProviderIdentity) {
        guard count > 0 else { return }
        counters(for: provider.system).tokens.increment(by: count)
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
