import Telemetry

extension DashboardBuilder {
    /// The SLO row: what the SLO file promises, each active SLO's hourly share of bad events against
    /// its tiers' thresholds, and the state of every burn-rate tier. All from the SLO file, so the
    /// graph, the alarms and `rag-worker slo` read the same numbers.
    func sloRow() -> [DashboardWidget] {
        let objectives = definitions.objectives
        guard !objectives.objectives.isEmpty else { return [] }
        var widgets = [sloHeader(objectives)]
        for objective in objectives.active {
            widgets.append(sloErrorRatio(objective))
        }
        let tiers = objectives.active.flatMap { objective in
            let builder = SLOAlarmBuilder(target: target, objective: objective)
            return objective.tiers.map(builder.tierAlarmName)
        }
        if !tiers.isEmpty {
            widgets.append(DashboardWidget(
                kind: .alarm, width: 24, height: 3,
                properties: [
                    "title": "SLO burn-rate tiers (page and ticket)",
                    "alarms": .array(tiers.map { .string(target.alarmARN(named: $0)) }), "sortBy": "stateUpdatedTimestamp",
                ]))
        }
        return widgets
    }

    private func sloHeader(_ objectives: SLODefinitions) -> DashboardWidget {
        let lines = objectives.objectives.map { objective -> String in
            let window = SLODuration.text(objective.windowSeconds)
            if objective.status == .pending {
                return "- **\(objective.name)** (pending): \(objective.displayName), \(objective.targetText) over \(window); not counted yet"
            }
            let tiers = objective.tiers.map { tier in
                "\(tier.severity.rawValue) ≥ \(tier.burnRate.compactText)× over \(SLODuration.text(tier.longWindowSeconds))"
            }.joined(separator: ", ")
            return "- **\(objective.name)**: \(objective.displayName), \(objective.targetText) over \(window) (\(tiers))"
        }
        let markdown = """
            ## Service level objectives
            From the SLO file (`Sources/Telemetry/Resources/slo/rag-worker.yaml`); budget left and burn rates: `rag-worker slo --source cloudwatch --endpoint \(target.endpointName)`.
            \(lines.joined(separator: "\n"))
            """
        return DashboardWidget(kind: .text, width: 24, height: 2 + objectives.objectives.count, properties: ["markdown": .string(markdown)])
    }

    /// Bad events in percent per hour, with each tier's threshold and the budget as lines.
    private func sloErrorRatio(_ objective: ServiceLevelObjective) -> DashboardWidget {
        let period = 3_600
        let good = MetricReference.worker(sloMetric(objective.goodMetricName), target: target)
        let total = MetricReference.worker(sloMetric(objective.totalMetricName), target: target)
        let rows: [MetricRow] = [
            .hidden(good, stat: .sum, id: "good"),
            .hidden(total, stat: .sum, id: "total"),
            .expression(SLOAlarmBuilder.errorPercentExpression(guardEvents: nil), id: "bad_percent", label: "bad events (%), per hour"),
            .metric(total, options: ["stat": "Sum", "label": "events per hour (right)", "yAxis": "right"]),
        ]
        let budget = SLONumber.rounded(objective.errorBudget * 100)
        let lines = [("budget \(budget.compactText) %", budget)] + objective.tiers.map { tier in
            let threshold = tier.errorPercentThreshold(target: objective.target)
            return ("\(tier.name) (\(tier.severity.rawValue), \(SLODuration.text(tier.longWindowSeconds))) \(threshold.compactText) %", threshold)
        }
        var widget = graph("SLO \(objective.name): bad events (%) against its burn-rate tiers", rows: rows, unit: .percent, lines: lines)
        widget.properties["period"] = .number(Double(period))
        widget.properties["yAxis"] = [
            "left": ["label": "Percent", "min": 0, "showUnits": false],
            "right": ["label": "Count", "min": 0, "showUnits": false],
        ]
        return widget
    }

    private func sloMetric(_ name: String) -> MetricDefinition {
        guard let definition = MetricCatalogue.definition(named: name) else {
            preconditionFailure("the SLO file names \(name), which the catalogue lacks")
        }
        return definition
    }
}
