/// The alarms alarm-setup owns for an endpoint. The raw value is the alarm name's suffix
/// (`<endpoint>-<suffix>`) and the runbook section's anchor.
enum AlarmKind: String, Sendable, Hashable, CaseIterable, Codable {
    case jobLatencyP99 = "job-latency-p99"
    case jobLatencyMax = "job-latency-max"
    case errorRate = "error-rate"
    case webhookDeadLetters = "webhook-dead-letters"
    case invocation5XXErrors = "sagemaker-5xx"
    case modelLatency = "sagemaker-model-latency"
    case cpuUtilization = "sagemaker-cpu"
    case memoryUtilization = "sagemaker-memory"
    case noJobsAccepted = "no-jobs-accepted"
    case heartbeat = "heartbeat"
    case telemetryDropped = "telemetry-dropped"
    case groundedness = "groundedness"
    case guardBlocks = "guard-blocks"
    case repairDegradedRate = "repair-degraded-rate"
    case dailySpend = "daily-spend"
    case jobCostOutlier = "job-cost-outlier"
    /// The composite alarm over all the others: the one that pages (on by default).
    case page = "page"

    /// The alarm's name for an endpoint.
    func alarmName(endpoint: String) -> String { "\(endpoint)-\(rawValue)" }

    /// Where the runbook explains the alarm (relative to the repository root).
    var runbookLink: String { "docs/runbook.md#\(rawValue)" }

    /// A title for humans (plan output, dashboard).
    var title: String {
        switch self {
        case .jobLatencyP99: "Job latency p99 over the limit"
        case .jobLatencyMax: "A job over the latency limit"
        case .errorRate: "Job error rate"
        case .webhookDeadLetters: "Webhook deliveries dead-lettered"
        case .invocation5XXErrors: "SageMaker 5xx answers"
        case .modelLatency: "SageMaker model latency (accept path)"
        case .cpuUtilization: "Instance CPU"
        case .memoryUtilization: "Instance memory"
        case .noJobsAccepted: "No jobs accepted"
        case .heartbeat: "No heartbeat from any worker"
        case .telemetryDropped: "Telemetry dropped"
        case .groundedness: "Proposals not grounded in past work"
        case .guardBlocks: "Output guard blocked a draft (security event)"
        case .repairDegradedRate: "Schema repairs and degraded stages"
        case .dailySpend: "Daily model spend over budget"
        case .jobCostOutlier: "A job cost far more than usual"
        case .page: "Page: any RAG Worker alarm"
        }
    }

    /// The kind whose name is `name` for `endpoint`, if alarm-setup could have made it.
    static func kind(ofAlarmNamed name: String, endpoint: String) -> AlarmKind? {
        allCases.first { $0.alarmName(endpoint: endpoint) == name }
    }
}
