import Telemetry

/// Every alarm alarm-setup wants for one endpoint, derived from the metric catalogues, the target and
/// the settings. `render` writes it, `plan`/`apply`/`verify` compare it with CloudWatch, and the
/// evaluator runs its rules on synthetic data.
struct AlarmDefinitions: Sendable, Hashable {
    let target: DeploymentTarget
    let settings: AlarmSettings
    /// The SLO file the burn-rate alarms come from.
    let objectives: SLODefinitions
    /// In a stable order: the catalogue's alarms (the order of ``AlarmKind``), then each active
    /// SLO's burn-rate inputs (``SLOAlarmBuilder``).
    let metricAlarms: [MetricAlarmDefinition]
    /// In an order they can be created in (a composite's inputs before it): the SLOs' tier, page
    /// and ticket composites, then the endpoint's `<endpoint>-page`.
    let compositeAlarms: [CompositeAlarmDefinition]

    /// The alarms that stay out of the pager: the SLO's delivery tiers page on the same promise
    /// with a budget (docs/observability.md#slo-alarms says why, with numbers); these two remain
    /// as alarms on the dashboard without actions.
    static let replacedBySLOs: Set<AlarmKind> = [.jobLatencyP99, .jobLatencyMax]

    /// Builds the definitions.
    ///
    /// - Parameter objectives: the SLO file's objectives; the bundled file when nil.
    /// - Throws: ``AlarmSetupError/invalidSettings(_:)`` listing every problem with the settings or
    ///   the target; ``SLOFileError`` when the bundled SLO file cannot be used.
    init(target: DeploymentTarget, settings: AlarmSettings, objectives: SLODefinitions? = nil) throws {
        var problems = settings.problems()
        if let problem = EndpointNameRule.problem(with: target.endpointName) { problems.append(problem) }
        guard problems.isEmpty else { throw AlarmSetupError.invalidSettings(problems) }
        let objectives = try objectives ?? SLODefinitions.load()
        self.target = target
        self.settings = settings
        self.objectives = objectives
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
        let replaced = Set(Self.replacedBySLOs.map { $0.alarmName(endpoint: target.endpointName) })
        for index in alarms.indices where replaced.contains(alarms[index].alarmName) {
            alarms[index].alarmActions = []
            alarms[index].okActions = []
        }
        let pagerInputs = alarms.map(\.alarmName).filter { !replaced.contains($0) }
        let slos = objectives.active.map { SLOAlarmBuilder(target: target, objective: $0) }
        metricAlarms = alarms + slos.flatMap { $0.metricAlarms() }
        var composites = slos.flatMap { $0.compositeAlarms(pagerExists: settings.compositeEnabled) }
        if settings.compositeEnabled {
            composites.append(builder.page(inputs: pagerInputs + slos.compactMap(\.pagerInput)))
        }
        compositeAlarms = composites
    }

    /// The endpoint's `<endpoint>-page` composite, when wanted.
    var compositeAlarm: CompositeAlarmDefinition? {
        let name = AlarmKind.page.alarmName(endpoint: target.endpointName)
        return compositeAlarms.first { $0.alarmName == name }
    }

    /// The names of every alarm wanted (metric and composite).
    var alarmNames: [String] {
        metricAlarms.map(\.alarmName) + compositeAlarms.map(\.alarmName)
    }

    /// The metric alarm of `kind`, if wanted.
    func metricAlarm(_ kind: AlarmKind) -> MetricAlarmDefinition? {
        let name = kind.alarmName(endpoint: target.endpointName)
        return metricAlarms.first { $0.alarmName == name }
    }

    /// The metric alarm or composite named `name`, if wanted.
    func metricAlarm(named name: String) -> MetricAlarmDefinition? { metricAlarms.first { $0.alarmName == name } }
    func compositeAlarm(named name: String) -> CompositeAlarmDefinition? { compositeAlarms.first { $0.alarmName == name } }
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
