/// Every alarm alarm-setup wants for one endpoint, derived from the metric catalogues, the target and
/// the settings. `render` writes it, `plan`/`apply`/`verify` compare it with CloudWatch, and the
/// evaluator runs its rules on synthetic data.
struct AlarmDefinitions: Sendable, Hashable {
    let target: DeploymentTarget
    let settings: AlarmSettings
    /// In a stable order (the order of ``AlarmKind``).
    let metricAlarms: [MetricAlarmDefinition]
    let compositeAlarm: CompositeAlarmDefinition?

    /// Builds the definitions.
    ///
    /// - Throws: ``AlarmSetupError/invalidSettings(_:)`` listing every problem with the settings or the target.
    init(target: DeploymentTarget, settings: AlarmSettings) throws {
        var problems = settings.problems()
        if let problem = EndpointNameRule.problem(with: target.endpointName) { problems.append(problem) }
        guard problems.isEmpty else { throw AlarmSetupError.invalidSettings(problems) }
        self.target = target
        self.settings = settings
        let builder = AlarmBuilder(target: target, settings: settings)
        var alarms = [
            builder.jobLatencyPercentile(), builder.jobLatencyMaximum(), builder.errorRate(),
            builder.webhookDeadLetters(), builder.invocation5XXErrors(), builder.modelLatency(),
            builder.cpuUtilization(), builder.memoryUtilization(),
            builder.heartbeat(), builder.telemetryDropped(),
            builder.groundedness(), builder.guardBlocks(), builder.repairDegradedRate(),
            builder.dailySpend(), builder.jobCostOutlier(),
        ]
        if settings.noJobsAlarmEnabled { alarms.append(builder.noJobsAccepted()) }
        metricAlarms = alarms
        compositeAlarm = settings.compositeEnabled ? builder.page(inputs: alarms.map(\.alarmName)) : nil
    }

    /// The names of every alarm wanted (metric and composite).
    var alarmNames: [String] {
        metricAlarms.map(\.alarmName) + (compositeAlarm.map { [$0.alarmName] } ?? [])
    }

    /// The metric alarm of `kind`, if wanted.
    func metricAlarm(_ kind: AlarmKind) -> MetricAlarmDefinition? {
        let name = kind.alarmName(endpoint: target.endpointName)
        return metricAlarms.first { $0.alarmName == name }
    }
}

/// SageMaker's endpoint name rule, which the dashboard name (letters, digits, `-`, `_`) also satisfies.
enum EndpointNameRule {
    /// Why `name` cannot be an endpoint name, or `nil` when it can.
    static func problem(with name: String) -> String? {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        let ok = (1...63).contains(name.count) && allowed && name.first != "-" && name.last != "-"
        return ok ? nil : "endpoint name '\(name)' must be 1–63 letters, digits or '-', not starting or ending with '-'"
    }
}
