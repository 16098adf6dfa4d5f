import ArgumentParser
import Telemetry

/// Thresholds and windows of the alarms. Defaults come from ``AlarmSettings``; windows are written
/// `M/N@P` (M breaching of the last N periods of P seconds).
struct TuningOptions: ParsableArguments {
    private static let defaults = AlarmSettings()

    @Option(help: "Job latency limit, seconds (both latency alarms and the dashboard line).")
    var latencyThreshold = defaults.latencyThresholdSeconds
    @Option(help: "Window of the JobLatency p99 alarm.")
    var latencyP99Window = defaults.latencyPercentileWindow
    @Option(help: "Window of the JobLatency Maximum alarm.")
    var latencyMaxWindow = defaults.latencyMaximumWindow

    @Option(help: "Error rate alarm threshold, percent of completed jobs that failed.")
    var errorRateThreshold = defaults.errorRatePercent
    @Option(help: "Window of the error rate alarm.")
    var errorRateWindow = defaults.errorRateWindow

    @Option(help: "Dead-lettered webhook deliveries per period that alarm.")
    var deadLetterThreshold = defaults.deadLetterThreshold
    @Option(help: "Window of the dead-letter alarm.")
    var deadLetterWindow = defaults.deadLetterWindow

    @Option(name: .customLong("sagemaker-5xx-threshold"), help: "Invocation5XXErrors per period that alarm.")
    var invocation5XXThreshold = defaults.invocation5XXThreshold
    @Option(name: .customLong("sagemaker-5xx-window"), help: "Window of the Invocation5XXErrors alarm.")
    var invocation5XXWindow = defaults.invocation5XXWindow

    @Option(help: "Slowest /invocations answer that alarms, seconds (ModelLatency is converted from µs).")
    var modelLatencyThreshold = defaults.modelLatencyThresholdSeconds
    @Option(help: "Window of the ModelLatency alarm.")
    var modelLatencyWindow = defaults.modelLatencyWindow

    @Option(help: "CPU alarm threshold, percent per core (multiplied by --instance-vcpus).")
    var cpuThreshold = defaults.cpuPercentPerCore
    @Option(help: "vCPUs of the endpoint's instance type (CPUUtilization is summed over cores).")
    var instanceVcpus = defaults.instanceVCPUs
    @Option(help: "Window of the CPU alarm.")
    var cpuWindow = defaults.cpuWindow

    @Option(help: "Memory alarm threshold, percent.")
    var memoryThreshold = defaults.memoryPercent
    @Option(help: "Window of the memory alarm.")
    var memoryWindow = defaults.memoryWindow

    @Flag(inversion: .prefixedEnableDisable, help: "The 'no jobs accepted' alarm.")
    var noJobsAlarm = defaults.noJobsAlarmEnabled
    @Option(help: "Window of the 'no jobs accepted' alarm.")
    var noJobsWindow = defaults.noJobsWindow

    @Option(help: "Window of the heartbeat alarm (missing data breaches).")
    var heartbeatWindow = defaults.heartbeatWindow

    @Option(help: "Telemetry records dropped per period that alarm.")
    var telemetryDroppedThreshold = defaults.telemetryDroppedThreshold
    @Option(help: "Window of the telemetry-dropped alarm.")
    var telemetryDroppedWindow = defaults.telemetryDroppedWindow

    @Option(help: "Groundedness alarm: average ProposalGroundedness (0-1) below this alarms.")
    var groundednessThreshold = defaults.groundednessThreshold
    @Option(help: "Window of the groundedness alarm.")
    var groundednessWindow = defaults.groundednessWindow

    @Option(help: "Output guard blocks per period that alarm (a security event).")
    var guardBlockThreshold = defaults.guardBlockThreshold
    @Option(help: "Window of the guard-block alarm.")
    var guardBlockWindow = defaults.guardBlockWindow

    @Option(help: "Schema repairs plus degraded stages per 100 completed jobs that alarm.")
    var repairDegradedThreshold = defaults.repairDegradedPercent
    @Option(help: "Window of the repair/degraded-rate alarm.")
    var repairDegradedWindow = defaults.repairDegradedWindow

    @Option(help: "Daily model spend budget, US dollars (Sum of JobCost per period).")
    var dailySpendBudget = defaults.dailySpendBudgetUSD
    @Option(help: "Window of the daily spend alarm (one day by default).")
    var dailySpendWindow = defaults.dailySpendWindow

    @Option(help: "Most a single job may cost, US dollars (Maximum of JobCost per period).")
    var jobCostMax = defaults.jobCostMaxUSD
    @Option(help: "Window of the job cost outlier alarm.")
    var jobCostWindow = defaults.jobCostWindow

    @Option(help: "The endpoint's BacklogPerInstance scaling target, drawn on the dashboard (scripts/deploy passes the deployed one).")
    var scalingTarget = defaults.scalingTargetBacklog

    @Flag(inversion: .prefixedNo, help: "The composite <endpoint>-page alarm over all the others: the one that pages.")
    var composite = defaults.compositeEnabled

    @Option(help: "SLO file the burn-rate alarms come from. Default: $RAG_SLO_FILE, else the file shipped with the tools.")
    var sloFile: String?

    /// The SLO file's objectives (``SLODefinitions/load(path:environment:)``).
    ///
    /// - Throws: ``SLOFileError``, one line naming the file, the SLO and the field.
    func objectives(environment: [String: String]) throws -> SLODefinitions {
        try SLODefinitions.load(path: sloFile, environment: environment)
    }

    var settings: AlarmSettings {
        var s = AlarmSettings()
        s.latencyThresholdSeconds = latencyThreshold
        s.latencyPercentileWindow = latencyP99Window
        s.latencyMaximumWindow = latencyMaxWindow
        s.errorRatePercent = errorRateThreshold
        s.errorRateWindow = errorRateWindow
        s.deadLetterThreshold = deadLetterThreshold
        s.deadLetterWindow = deadLetterWindow
        s.invocation5XXThreshold = invocation5XXThreshold
        s.invocation5XXWindow = invocation5XXWindow
        s.modelLatencyThresholdSeconds = modelLatencyThreshold
        s.modelLatencyWindow = modelLatencyWindow
        s.cpuPercentPerCore = cpuThreshold
        s.instanceVCPUs = instanceVcpus
        s.cpuWindow = cpuWindow
        s.memoryPercent = memoryThreshold
        s.memoryWindow = memoryWindow
        s.noJobsAlarmEnabled = noJobsAlarm
        s.noJobsWindow = noJobsWindow
        s.heartbeatWindow = heartbeatWindow
        s.telemetryDroppedThreshold = telemetryDroppedThreshold
        s.telemetryDroppedWindow = telemetryDroppedWindow
        s.groundednessThreshold = groundednessThreshold
        s.groundednessWindow = groundednessWindow
        s.guardBlockThreshold = guardBlockThreshold
        s.guardBlockWindow = guardBlockWindow
        s.repairDegradedPercent = repairDegradedThreshold
        s.repairDegradedWindow = repairDegradedWindow
        s.dailySpendBudgetUSD = dailySpendBudget
        s.dailySpendWindow = dailySpendWindow
        s.jobCostMaxUSD = jobCostMax
        s.jobCostWindow = jobCostWindow
        s.compositeEnabled = composite
        s.scalingTargetBacklog = scalingTarget
        return s
    }
}
