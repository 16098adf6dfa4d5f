import Telemetry

/// Thresholds and windows of every alarm. The defaults are the documented ones (docs/runbook.md,
/// `alarm-setup render --help`); each is a flag of the commands.
struct AlarmSettings: Sendable, Hashable {
    /// DESIGN.md: a job must finish in under 120 s.
    var latencyThresholdSeconds = 120.0
    /// p99 over 5-minute periods, 2 of the last 3: one slow burst pages within 10–15 minutes.
    var latencyPercentileWindow = AlarmWindow(period: 300, evaluationPeriods: 3, datapointsToAlarm: 2)
    /// Maximum per minute: any single job over the limit.
    var latencyMaximumWindow = AlarmWindow(period: 60, evaluationPeriods: 1)

    /// Percent of completed jobs (succeeded + failed) that failed.
    var errorRatePercent = 5.0
    var errorRateWindow = AlarmWindow(period: 300, evaluationPeriods: 3, datapointsToAlarm: 2)

    /// Dead-lettered webhook deliveries per period; one is already a lost result for the caller.
    var deadLetterThreshold = 1.0
    var deadLetterWindow = AlarmWindow(period: 60, evaluationPeriods: 1)

    /// Container 5xx answers per period. A few 503s while an instance drains during a deployment
    /// are expected, hence more than one.
    var invocation5XXThreshold = 5.0
    var invocation5XXWindow = AlarmWindow(period: 300, evaluationPeriods: 1)

    /// Slowest /invocations answer (validate and persist only), in seconds; SageMaker gives up at 60 s.
    var modelLatencyThresholdSeconds = 10.0
    var modelLatencyWindow = AlarmWindow(period: 60, evaluationPeriods: 5, datapointsToAlarm: 3)

    /// CPU alarm threshold per core; the alarm's threshold is this times ``instanceVCPUs``
    /// because SageMaker sums `CPUUtilization` over cores.
    var cpuPercentPerCore = 90.0
    /// vCPUs of the endpoint's instance type (ml.m5.large: 2).
    var instanceVCPUs = 2
    var cpuWindow = AlarmWindow(period: 300, evaluationPeriods: 3)

    var memoryPercent = 85.0
    var memoryWindow = AlarmWindow(period: 300, evaluationPeriods: 3)

    /// The "no jobs accepted" alarm; switch off for endpoints that may be idle for long.
    var noJobsAlarmEnabled = true
    /// Six hours without a single accepted job.
    var noJobsWindow = AlarmWindow(period: 3_600, evaluationPeriods: 6)

    /// Every worker publishes one ``MetricCatalogue/heartbeat`` per metrics interval (60 s): five
    /// silent minutes in a row mean no worker runs or none can export. Missing data is breaching.
    var heartbeatWindow = AlarmWindow(period: 60, evaluationPeriods: 5)

    /// Telemetry records dropped per period (queue overflow, rejected batches, an export outage).
    var telemetryDroppedThreshold = 1.0
    var telemetryDroppedWindow = AlarmWindow(period: 300, evaluationPeriods: 1)

    /// Average ``MetricCatalogue/proposalGroundedness`` of the proposals with claims below this
    /// (0–1) alarms. Hourly periods, 2 of 3: a few poor drafts on a quiet hour do not page.
    var groundednessThreshold = ServiceLevelObjectives.groundednessThreshold
    var groundednessWindow = AlarmWindow(period: 3_600, evaluationPeriods: 3, datapointsToAlarm: 2)

    /// Output guard blocks per period; one is a security event (a posting steered the model to a secret).
    var guardBlockThreshold = 1.0
    var guardBlockWindow = AlarmWindow(period: 60, evaluationPeriods: 1)

    /// Schema repairs plus degraded stages per 100 completed jobs.
    var repairDegradedPercent = 20.0
    var repairDegradedWindow = AlarmWindow(period: 900, evaluationPeriods: 3, datapointsToAlarm: 2)

    /// Sum of ``MetricCatalogue/jobCost`` over one day above this budget, US dollars.
    var dailySpendBudgetUSD = 20.0
    var dailySpendWindow = AlarmWindow(period: 86_400, evaluationPeriods: 1)

    /// The most expensive job of a period above this many US dollars (the defaults cost about
    /// $0.0005 per job with gpt-4o-mini: 0.05 is a hundred times that).
    var jobCostMaxUSD = 0.05
    var jobCostWindow = AlarmWindow(period: 300, evaluationPeriods: 1)

    /// The endpoint's scaling target for `BacklogPerInstance` (infra/settings.json
    /// `target_backlog_per_instance`; `scripts/deploy` passes the deployed value), drawn on the
    /// dashboard's scaling graph. Not an alarm: Application Auto Scaling owns those.
    var scalingTargetBacklog = 12.0

    /// The composite `<endpoint>-page` alarm over all the others, which is what pages on-call;
    /// off only for endpoints whose alarms nobody answers.
    var compositeEnabled = true

    /// Problems that would make PutMetricAlarm refuse an alarm, or make one meaningless; empty when valid.
    func problems() -> [String] {
        var problems: [String] = []
        let windows: [(String, AlarmWindow)] = [
            ("latency percentile", latencyPercentileWindow), ("latency maximum", latencyMaximumWindow),
            ("error rate", errorRateWindow), ("dead letters", deadLetterWindow),
            ("SageMaker 5xx", invocation5XXWindow), ("model latency", modelLatencyWindow),
            ("CPU", cpuWindow), ("memory", memoryWindow), ("no jobs", noJobsWindow),
            ("heartbeat", heartbeatWindow), ("telemetry dropped", telemetryDroppedWindow),
            ("groundedness", groundednessWindow), ("guard blocks", guardBlockWindow),
            ("repair/degraded rate", repairDegradedWindow), ("daily spend", dailySpendWindow), ("job cost", jobCostWindow),
        ]
        for (name, window) in windows { problems += window.problems(for: name) }
        let positives: [(String, Double)] = [
            ("latency threshold", latencyThresholdSeconds), ("error rate percent", errorRatePercent),
            ("dead-letter threshold", deadLetterThreshold), ("SageMaker 5xx threshold", invocation5XXThreshold),
            ("model latency threshold", modelLatencyThresholdSeconds), ("CPU percent", cpuPercentPerCore),
            ("memory percent", memoryPercent), ("instance vCPUs", Double(instanceVCPUs)),
            ("telemetry dropped threshold", telemetryDroppedThreshold),
            ("groundedness threshold", groundednessThreshold), ("guard block threshold", guardBlockThreshold),
            ("repair/degraded percent", repairDegradedPercent), ("daily spend budget", dailySpendBudgetUSD),
            ("job cost maximum", jobCostMaxUSD), ("scaling target", scalingTargetBacklog),
        ]
        for (name, value) in positives where !(value > 0) || !value.isFinite {
            problems.append("\(name) must be a positive number, got \(value)")
        }
        if errorRatePercent > 100 { problems.append("error rate percent must be at most 100") }
        if memoryPercent > 100 { problems.append("memory percent must be at most 100") }
        if groundednessThreshold > 1 { problems.append("groundedness threshold must be at most 1 (a share of claims)") }
        return problems
    }
}
