/// The single source of metric names for the worker, AlarmSetup, the dashboard and the reports.
///
/// Namespace defaults to ``defaultNamespace`` (`RAG_METRICS_NAMESPACE` overrides it at run time).
public enum MetricCatalogue {
    public static let defaultNamespace = "RAGWorker"

    /// End-to-end job latency, the promise's measure: acceptance to the webhook's 2xx for the
    /// job's result (queue wait, every run, and every delivery attempt included).
    public static let jobLatency = MetricDefinition(
        name: "JobLatency", kind: .timer, unit: .seconds,
        summary: "Seconds from a job's acceptance to the webhook's 2xx for its result.")
    /// Duration of one pipeline stage, by `Stage`.
    public static let stageLatency = MetricDefinition(
        name: "StageLatency", kind: .timer, unit: .seconds, dimensions: [.stage],
        summary: "Seconds spent in one pipeline stage.")
    public static let jobsAccepted = MetricDefinition(
        name: "JobsAccepted", kind: .counter, unit: .count,
        summary: "Jobs durably accepted (202).")
    public static let jobsSucceeded = MetricDefinition(
        name: "JobsSucceeded", kind: .counter, unit: .count,
        summary: "Jobs whose pipeline produced a proposal.")
    public static let jobsFailed = MetricDefinition(
        name: "JobsFailed", kind: .counter, unit: .count,
        summary: "Jobs whose pipeline failed; a failure result is still delivered.")
    public static let jobsRejected = MetricDefinition(
        name: "JobsRejected", kind: .counter, unit: .count,
        summary: "Jobs refused with 429 because the backlog was full, or 503 while starting or draining.")
    public static let queueDepth = MetricDefinition(
        name: "QueueDepth", kind: .gauge, unit: .count,
        summary: "Jobs accepted and not yet finished (queued plus running).")
    public static let queueWait = MetricDefinition(
        name: "QueueWait", kind: .timer, unit: .seconds,
        summary: "Seconds from a job's acceptance to the start of its pipeline.")
    public static let providerErrors = MetricDefinition(
        name: "ProviderErrors", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Failed calls to an external provider (each attempt), by `Provider`.")
    public static let tokensUsed = MetricDefinition(
        name: "TokensUsed", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Model tokens used (input plus output), by `Provider`, for cost per proposal.")
    public static let webhookDeliveries = MetricDefinition(
        name: "WebhookDeliveries", kind: .counter, unit: .count,
        summary: "Webhook deliveries the receiver acknowledged with 2xx.")
    public static let webhookFailures = MetricDefinition(
        name: "WebhookFailures", kind: .counter, unit: .count,
        summary: "Webhook deliveries dead-lettered after their last attempt.")
    public static let webhookAttemptFailures = MetricDefinition(
        name: "WebhookAttemptFailures", kind: .counter, unit: .count,
        summary: "Single webhook attempts that failed and were scheduled for retry.")
    public static let telemetryDropped = MetricDefinition(
        name: "TelemetryDropped", kind: .counter, unit: .count,
        summary: "Telemetry records dropped because an exporter queue was full or its export failed.")

    /// Every metric, in a stable order (docs, dashboards and tests iterate this).
    public static let all: [MetricDefinition] = [
        jobLatency, stageLatency, jobsAccepted, jobsSucceeded, jobsFailed, jobsRejected,
        queueDepth, queueWait, providerErrors, tokensUsed,
        webhookDeliveries, webhookFailures, webhookAttemptFailures, telemetryDropped,
    ]

    /// The definition named `name`, if the catalogue has one.
    public static func definition(named name: String) -> MetricDefinition? {
        all.first { $0.name == name }
    }
}
