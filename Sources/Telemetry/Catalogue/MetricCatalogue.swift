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
    /// The scaling signal: the store's queued plus running jobs over the live runners sharing
    /// it (on SQLite, the instance's own backlog). Every worker publishes the same fleet value,
    /// so its `Average` over a minute is what Application Auto Scaling tracks.
    public static let backlogPerInstance = MetricDefinition(
        name: "BacklogPerInstance", kind: .gauge, unit: .count,
        summary: "Jobs queued or running in the shared store per live instance: the metric the endpoint scales on.")
    /// Runners with a live heartbeat in the shared store (1 on SQLite).
    public static let liveInstances = MetricDefinition(
        name: "LiveInstances", kind: .gauge, unit: .count,
        summary: "Worker processes with a live heartbeat in the shared job store (draining ones excluded).")
    public static let queueWait = MetricDefinition(
        name: "QueueWait", kind: .timer, unit: .seconds,
        summary: "Seconds from a job's acceptance to the start of its pipeline.")
    public static let providerErrors = MetricDefinition(
        name: "ProviderErrors", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Failed calls to an external provider (each attempt), by `Provider`.")
    public static let tokensUsed = MetricDefinition(
        name: "TokensUsed", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Model tokens used (input plus output), by `Provider`, for cost per proposal.")
    /// Screening questions a delivered proposal left unanswered: the model's answers could not be
    /// matched to them after the repair attempt (the job's `degraded` says so), or the answer says
    /// nothing (``QuestionCoverage`` in RAGPipeline).
    public static let questionsUnanswered = MetricDefinition(
        name: "QuestionsUnanswered", kind: .counter, unit: .count,
        summary: "Screening questions a delivered proposal left unanswered: the model's answers could not be matched to them, or the answer is empty, a placeholder or the question repeated.")
    public static let webhookDeliveries = MetricDefinition(
        name: "WebhookDeliveries", kind: .counter, unit: .count,
        summary: "Webhook deliveries the receiver acknowledged with 2xx.")
    public static let webhookFailures = MetricDefinition(
        name: "WebhookFailures", kind: .counter, unit: .count,
        summary: "Webhook deliveries dead-lettered after their last attempt.")
    public static let webhookAttemptFailures = MetricDefinition(
        name: "WebhookAttemptFailures", kind: .counter, unit: .count,
        summary: "Single webhook attempts that failed and were scheduled for retry.")
    public static let authFailures = MetricDefinition(
        name: "AuthFailures", kind: .counter, unit: .count,
        summary: "Requests refused for wrong Basic credentials (401), or because their client failed too often (429).")
    public static let telemetryDropped = MetricDefinition(
        name: "TelemetryDropped", kind: .counter, unit: .count,
        summary: "Telemetry records dropped because an exporter queue was full or its export failed.")

    /// One per metrics interval from every running worker, whatever it does: the alarm on it
    /// (missing data breaching) notices a fleet that stopped running or stopped exporting.
    public static let heartbeat = MetricDefinition(
        name: "Heartbeat", kind: .counter, unit: .count,
        summary: "1 per metrics interval from each running worker process (silence means no worker or no export).")
    /// Calls a telemetry exporter made to its destination, by `Provider` (the exporter:
    /// `cloudwatch-logs`, `cloudwatch-metrics`).
    public static let telemetryExportCalls = MetricDefinition(
        name: "TelemetryExportCalls", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Calls an exporter made to its destination (PutLogEvents, PutMetricData), by `Provider` = exporter.")
    public static let telemetryExportFailures = MetricDefinition(
        name: "TelemetryExportFailures", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Exporter calls that failed (each attempt), by `Provider` = exporter.")
    /// How old the oldest record of a batch was when its destination accepted it.
    public static let telemetryExportLag = MetricDefinition(
        name: "TelemetryExportLag", kind: .timer, unit: .seconds, dimensions: [.provider],
        summary: "Seconds from a record's creation to its acceptance by CloudWatch (oldest record of each batch), by `Provider` = exporter.")

    // Quality of delivered proposals (docs/observability.md, "Quality signals").

    /// Groundedness of each delivered proposal that makes claims about past work, 0…1.
    public static let proposalGroundedness = MetricDefinition(
        name: "ProposalGroundedness", kind: .distribution, unit: .none,
        summary: "Share (0–1) of a delivered proposal's claims about past work that a retrieved reference supports; one value per proposal with claims.")
    public static let unsupportedClaims = MetricDefinition(
        name: "UnsupportedClaims", kind: .counter, unit: .count,
        summary: "Claims about past work in delivered proposals that no retrieved reference supports.")
    public static let questionsAsked = MetricDefinition(
        name: "QuestionsAsked", kind: .counter, unit: .count,
        summary: "Screening questions of the jobs whose proposal was delivered.")
    public static let proposalLengthOutOfRange = MetricDefinition(
        name: "ProposalLengthOutOfRange", kind: .counter, unit: .count,
        summary: "Delivered proposals whose word count is outside the range the prompt asks for.")
    public static let modelRepairs = MetricDefinition(
        name: "ModelRepairs", kind: .counter, unit: .count,
        summary: "Schema repair requests: a model reply that failed validation and was sent back once.")
    public static let guardBlocks = MetricDefinition(
        name: "GuardBlocks", kind: .counter, unit: .count,
        summary: "Drafts the output guard blocked because they contained a configured secret (the job fails with unsafe_output).")
    public static let degradedJobs = MetricDefinition(
        name: "DegradedJobs", kind: .counter, unit: .count, dimensions: [.stage],
        summary: "Jobs that went on after a stage fell back (rerank failed, or retrieval found nothing), by `Stage`.")

    // Cost (docs/observability.md, "Cost").

    /// Each finished job's model cost in US dollars, from the price table.
    public static let jobCost = MetricDefinition(
        name: "JobCost", kind: .distribution, unit: .none,
        summary: "US dollars one finished job (succeeded or failed) spent on model calls, priced from the price table.")
    public static let inputTokens = MetricDefinition(
        name: "InputTokens", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Input tokens providers reported, by `Provider` = the provider's full name with its model (`openai:gpt-4o-mini`).")
    public static let outputTokens = MetricDefinition(
        name: "OutputTokens", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Output tokens providers reported, by `Provider` = the provider's full name with its model.")
    public static let searchUnits = MetricDefinition(
        name: "SearchUnits", kind: .counter, unit: .count, dimensions: [.provider],
        summary: "Billed search units (Cohere rerank), by `Provider` = the provider's full name with its model.")

    /// Every metric, in a stable order (docs, dashboards and tests iterate this).
    public static let all: [MetricDefinition] = [
        jobLatency, stageLatency, jobsAccepted, jobsSucceeded, jobsFailed, jobsRejected,
        queueDepth, backlogPerInstance, liveInstances, queueWait, providerErrors, tokensUsed, questionsUnanswered,
        webhookDeliveries, webhookFailures, webhookAttemptFailures, authFailures, telemetryDropped,
        heartbeat, telemetryExportCalls, telemetryExportFailures, telemetryExportLag,
        proposalGroundedness, unsupportedClaims, questionsAsked, proposalLengthOutOfRange,
        modelRepairs, guardBlocks, degradedJobs, jobCost, inputTokens, outputTokens, searchUnits,
    ] + sloCounters

    /// The definition named `name`, if the catalogue has one.
    public static func definition(named name: String) -> MetricDefinition? {
        all.first { $0.name == name }
    }
}
