import Telemetry

/// Builds each alarm from the catalogues. Metric names come only from `MetricCatalogue` and
/// ``ExternalMetricCatalogue``.
struct AlarmBuilder: Sendable {
    let target: DeploymentTarget
    let settings: AlarmSettings

    func jobLatencyPercentile() -> MetricAlarmDefinition {
        let p = AlarmStatistic.percentile(99)
        let limit = settings.latencyThresholdSeconds
        return alarm(
            .jobLatencyP99, about: "\(p.name) job latency above \(limit.compactText) s",
            metric: .worker(MetricCatalogue.jobLatency, target: target), statistic: p,
            window: settings.latencyPercentileWindow, threshold: limit, comparison: .greaterThanThreshold,
            // No jobs means no latency to complain about; silence has its own alarm.
            missing: .notBreaching)
    }

    func jobLatencyMaximum() -> MetricAlarmDefinition {
        let limit = settings.latencyThresholdSeconds
        return alarm(
            .jobLatencyMax, about: "a job took longer than \(limit.compactText) s",
            metric: .worker(MetricCatalogue.jobLatency, target: target), statistic: .maximum,
            window: settings.latencyMaximumWindow, threshold: limit, comparison: .greaterThanThreshold,
            missing: .notBreaching)
    }

    /// `100 × failed / (failed + succeeded)` per period. `FILL(…, 0)` turns a period with successes
    /// and no failures into 0 %; a period with no completed job divides 0 by 0, which metric math
    /// drops, so the period is missing and counts as not breaching: a quiet endpoint is not failing.
    func errorRate() -> MetricAlarmDefinition {
        let window = settings.errorRateWindow
        let failed = MetricReference.worker(MetricCatalogue.jobsFailed, target: target)
        let succeeded = MetricReference.worker(MetricCatalogue.jobsSucceeded, target: target)
        var definition = alarm(
            .errorRate, about: "more than \(settings.errorRatePercent.compactText) % of completed jobs failed",
            metric: nil, statistic: nil, window: window, threshold: settings.errorRatePercent,
            comparison: .greaterThanThreshold, missing: .notBreaching)
        definition.metrics = [
            .metric(id: "failed", failed, stat: .sum, period: window.period),
            .metric(id: "succeeded", succeeded, stat: .sum, period: window.period),
            .expression(id: "rate", Self.errorRateExpression, label: "Error rate (%)"),
        ]
        return definition
    }

    /// The error-rate expression over the queries `failed` and `succeeded` (also used by the dashboard).
    static let errorRateExpression = "100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0))"

    func webhookDeadLetters() -> MetricAlarmDefinition {
        alarm(
            .webhookDeadLetters, about: "at least \(settings.deadLetterThreshold.compactText) webhook delivery dead-lettered",
            metric: .worker(MetricCatalogue.webhookFailures, target: target), statistic: .sum,
            window: settings.deadLetterWindow, threshold: settings.deadLetterThreshold,
            comparison: .greaterThanOrEqualToThreshold, missing: .notBreaching)
    }

    func invocation5XXErrors() -> MetricAlarmDefinition {
        alarm(
            .invocation5XXErrors,
            about: "at least \(settings.invocation5XXThreshold.compactText) InvokeEndpoint calls answered 5xx",
            metric: .external(ExternalMetricCatalogue.invocation5XXErrors, target: target), statistic: .sum,
            window: settings.invocation5XXWindow, threshold: settings.invocation5XXThreshold,
            comparison: .greaterThanOrEqualToThreshold, missing: .notBreaching)
    }

    /// `ModelLatency` is in microseconds: the threshold in seconds is converted.
    func modelLatency() -> MetricAlarmDefinition {
        let seconds = settings.modelLatencyThresholdSeconds
        return alarm(
            .modelLatency, about: "an /invocations answer took longer than \(seconds.compactText) s",
            metric: .external(ExternalMetricCatalogue.modelLatency, target: target), statistic: .maximum,
            window: settings.modelLatencyWindow, threshold: seconds * 1_000_000,
            comparison: .greaterThanThreshold, missing: .notBreaching)
    }

    /// `CPUUtilization` is summed over cores, so the threshold is per-core percent times vCPUs.
    /// Missing data is left missing: an instance that stops reporting shows INSUFFICIENT_DATA.
    func cpuUtilization() -> MetricAlarmDefinition {
        let threshold = settings.cpuPercentPerCore * Double(settings.instanceVCPUs)
        return alarm(
            .cpuUtilization,
            about: "CPU above \(settings.cpuPercentPerCore.compactText) % per core (\(threshold.compactText) % over \(settings.instanceVCPUs) vCPUs)",
            metric: .external(ExternalMetricCatalogue.cpuUtilization, target: target), statistic: .average,
            window: settings.cpuWindow, threshold: threshold, comparison: .greaterThanThreshold, missing: .missing)
    }

    func memoryUtilization() -> MetricAlarmDefinition {
        alarm(
            .memoryUtilization, about: "memory above \(settings.memoryPercent.compactText) %",
            metric: .external(ExternalMetricCatalogue.memoryUtilization, target: target), statistic: .average,
            window: settings.memoryWindow, threshold: settings.memoryPercent, comparison: .greaterThanThreshold,
            missing: .missing)
    }

    /// Fewer than one accepted job per period. Here missing data is the symptom (the worker may
    /// not even publish), so it counts as breaching.
    func noJobsAccepted() -> MetricAlarmDefinition {
        let window = settings.noJobsWindow
        return alarm(
            .noJobsAccepted,
            about: "no job accepted for \(window.evaluationPeriods * window.period / 60) minutes",
            metric: .worker(MetricCatalogue.jobsAccepted, target: target), statistic: .sum,
            window: window, threshold: 1, comparison: .lessThanThreshold, missing: .breaching)
    }

    /// Fewer than one ``MetricCatalogue/heartbeat`` per period from the whole fleet. Missing data
    /// is the symptom (no worker, or none exporting), so it breaches: unlike the "no jobs" alarm
    /// this one does not wait hours, and it does not fire on a quiet night.
    func heartbeat() -> MetricAlarmDefinition {
        let window = settings.heartbeatWindow
        return alarm(
            .heartbeat, about: "no worker published its heartbeat",
            metric: .worker(MetricCatalogue.heartbeat, target: target), statistic: .sum,
            window: window, threshold: 1, comparison: .lessThanThreshold, missing: .breaching)
    }

    func telemetryDropped() -> MetricAlarmDefinition {
        alarm(
            .telemetryDropped, about: "at least \(settings.telemetryDroppedThreshold.compactText) telemetry record dropped",
            metric: .worker(MetricCatalogue.telemetryDropped, target: target), statistic: .sum,
            window: settings.telemetryDroppedWindow, threshold: settings.telemetryDroppedThreshold,
            comparison: .greaterThanOrEqualToThreshold, missing: .notBreaching)
    }

    /// Average groundedness of the period's proposals below the threshold. Periods without a
    /// proposal with claims are not breaching: no drafts, nothing ungrounded.
    func groundedness() -> MetricAlarmDefinition {
        alarm(
            .groundedness, about: "average groundedness of proposals below \(settings.groundednessThreshold.compactText)",
            metric: .worker(MetricCatalogue.proposalGroundedness, target: target), statistic: .average,
            window: settings.groundednessWindow, threshold: settings.groundednessThreshold,
            comparison: .lessThanThreshold, missing: .notBreaching)
    }

    /// Any output guard block: a posting made the model write a configured secret.
    func guardBlocks() -> MetricAlarmDefinition {
        alarm(
            .guardBlocks, about: "at least \(settings.guardBlockThreshold.compactText) draft blocked by the output guard",
            metric: .worker(MetricCatalogue.guardBlocks, target: target), statistic: .sum,
            window: settings.guardBlockWindow, threshold: settings.guardBlockThreshold,
            comparison: .greaterThanOrEqualToThreshold, missing: .notBreaching)
    }

    /// `100 × (repairs + degraded stages) / completed jobs` per period; like the error rate, a
    /// period without completed jobs has no value and does not breach.
    func repairDegradedRate() -> MetricAlarmDefinition {
        let window = settings.repairDegradedWindow
        var definition = alarm(
            .repairDegradedRate,
            about: "more than \(settings.repairDegradedPercent.compactText) schema repairs and degraded stages per 100 completed jobs",
            metric: nil, statistic: nil, window: window, threshold: settings.repairDegradedPercent,
            comparison: .greaterThanThreshold, missing: .notBreaching)
        var queries: [MetricQueryDefinition] = [
            .metric(id: "repairs", .worker(MetricCatalogue.modelRepairs, target: target), stat: .sum, period: window.period),
        ]
        for stage in PipelineStage.degradable {
            queries.append(.metric(
                id: Self.degradedQueryID(stage), .worker(MetricCatalogue.degradedJobs, target: target, values: [.stage: stage.rawValue]),
                stat: .sum, period: window.period))
        }
        queries += [
            .metric(id: "succeeded", .worker(MetricCatalogue.jobsSucceeded, target: target), stat: .sum, period: window.period),
            .metric(id: "failed", .worker(MetricCatalogue.jobsFailed, target: target), stat: .sum, period: window.period),
            .expression(id: "rate", Self.repairDegradedExpression, label: "Repairs and degraded stages per 100 jobs"),
        ]
        definition.metrics = queries
        return definition
    }

    /// The query id of a degradable stage's `DegradedJobs` series.
    static func degradedQueryID(_ stage: PipelineStage) -> String {
        "degraded_" + String(stage.rawValue.map { $0 == "-" ? "_" : $0 })
    }

    /// The repair/degraded rate over the queries `repairs`, `degraded_<stage>`, `succeeded` and `failed`.
    static var repairDegradedExpression: String {
        let events = (["repairs"] + PipelineStage.degradable.map(degradedQueryID)).map { "FILL(\($0), 0)" }.joined(separator: " + ")
        return "100 * (\(events)) / (FILL(succeeded, 0) + FILL(failed, 0))"
    }

    /// The day's summed job cost over the budget.
    func dailySpend() -> MetricAlarmDefinition {
        alarm(
            .dailySpend, about: "model spend above $\(settings.dailySpendBudgetUSD.compactText)",
            metric: .worker(MetricCatalogue.jobCost, target: target), statistic: .sum,
            window: settings.dailySpendWindow, threshold: settings.dailySpendBudgetUSD,
            comparison: .greaterThanThreshold, missing: .notBreaching)
    }

    /// The most expensive job of a period over the per-job limit: a runaway prompt, a repair
    /// loop or a model switch shows here before it shows in the daily spend.
    func jobCostOutlier() -> MetricAlarmDefinition {
        alarm(
            .jobCostOutlier, about: "a job cost more than $\(settings.jobCostMaxUSD.compactText)",
            metric: .worker(MetricCatalogue.jobCost, target: target), statistic: .maximum,
            window: settings.jobCostWindow, threshold: settings.jobCostMaxUSD,
            comparison: .greaterThanThreshold, missing: .notBreaching)
    }

    func page(inputs: [String]) -> CompositeAlarmDefinition {
        CompositeAlarmDefinition(
            alarmName: AlarmKind.page.alarmName(endpoint: target.endpointName),
            alarmDescription: describe(.page, "one of the endpoint's alarms is in ALARM"),
            alarmActions: [target.topicARN], okActions: [target.topicARN],
            alarmRule: inputs.map { "ALARM(\"\($0)\")" }.joined(separator: " OR "),
            inputAlarmNames: inputs)
    }

    /// The marker every owned alarm's description ends with; `destroy` deletes only alarms carrying it.
    static func ownershipMarker(endpoint: String) -> String { "[alarm-setup: \(endpoint)]" }

    private func alarm(
        _ kind: AlarmKind, about: String, metric: MetricReference?, statistic: AlarmStatistic?,
        window: AlarmWindow, threshold: Double, comparison: AlarmComparison, missing: MissingDataTreatment
    ) -> MetricAlarmDefinition {
        MetricAlarmDefinition(
            alarmName: kind.alarmName(endpoint: target.endpointName),
            alarmDescription: describe(kind, "\(about) in \(window.datapointsToAlarm) of \(window.evaluationPeriods) periods of \(window.period) s"),
            alarmActions: [target.topicARN], okActions: [target.topicARN],
            metric: metric, statistic: statistic, period: metric == nil ? nil : window.period,
            evaluationPeriods: window.evaluationPeriods, datapointsToAlarm: window.datapointsToAlarm,
            threshold: threshold, comparisonOperator: comparison, treatMissingData: missing,
            evaluateLowSampleCountPercentile: statistic?.isPercentile == true ? "evaluate" : nil)
    }

    private func describe(_ kind: AlarmKind, _ text: String) -> String {
        "\(kind.title): \(text). Runbook: \(kind.runbookLink). \(Self.ownershipMarker(endpoint: target.endpointName))"
    }
}
