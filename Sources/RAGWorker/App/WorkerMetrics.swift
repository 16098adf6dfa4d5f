import CoreMetrics
import Metrics
import Telemetry

/// The worker's own instruments, created once from the injected factory with catalogue names.
///
/// Tests pass a test factory and read what was recorded; `serve` passes the Telemetry backend.
struct WorkerMetrics: Sendable {
    let factory: any MetricsFactory
    let jobsAccepted: Counter
    let jobsRejected: Counter
    let jobsSucceeded: Counter
    let jobsFailed: Counter
    let jobLatency: Timer
    let queueWait: Timer
    let queueDepth: Gauge
    let backlogPerInstance: Gauge
    let liveInstances: Gauge
    let webhookDeliveries: Counter
    let webhookFailures: Counter
    let webhookAttemptFailures: Counter
    let authFailures: Counter
    /// US dollars per finished job (`JobCost`).
    let jobCost: Recorder

    init(factory: any MetricsFactory) {
        self.factory = factory
        jobsAccepted = Counter(label: MetricCatalogue.jobsAccepted.name, factory: factory)
        jobsRejected = Counter(label: MetricCatalogue.jobsRejected.name, factory: factory)
        jobsSucceeded = Counter(label: MetricCatalogue.jobsSucceeded.name, factory: factory)
        jobsFailed = Counter(label: MetricCatalogue.jobsFailed.name, factory: factory)
        jobLatency = Timer(label: MetricCatalogue.jobLatency.name, preferredDisplayUnit: .seconds, factory: factory)
        queueWait = Timer(label: MetricCatalogue.queueWait.name, preferredDisplayUnit: .seconds, factory: factory)
        queueDepth = Gauge(label: MetricCatalogue.queueDepth.name, factory: factory)
        backlogPerInstance = Gauge(label: MetricCatalogue.backlogPerInstance.name, factory: factory)
        liveInstances = Gauge(label: MetricCatalogue.liveInstances.name, factory: factory)
        webhookDeliveries = Counter(label: MetricCatalogue.webhookDeliveries.name, factory: factory)
        webhookFailures = Counter(label: MetricCatalogue.webhookFailures.name, factory: factory)
        webhookAttemptFailures = Counter(label: MetricCatalogue.webhookAttemptFailures.name, factory: factory)
        authFailures = Counter(label: MetricCatalogue.authFailures.name, factory: factory)
        jobCost = Recorder(label: MetricCatalogue.jobCost.name, factory: factory)
    }

    /// The per-stage latency timer (`StageLatency` with the `Stage` dimension).
    func stageLatency(_ stage: PipelineStage) -> Timer {
        Timer(
            label: MetricCatalogue.stageLatency.name,
            dimensions: [(MetricDimension.stage.rawValue, stage.rawValue)],
            preferredDisplayUnit: .seconds,
            factory: factory
        )
    }
}
