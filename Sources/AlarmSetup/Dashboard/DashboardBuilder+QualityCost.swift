import Telemetry

/// The quality row (groundedness; questions and claims; repairs, guard blocks, degraded stages)
/// and the cost row (cost per job; spend per day; tokens by model). Lines are the alarms' thresholds.
/// Costs are US dollars; their catalogue unit is `None` (CloudWatch has no currency unit), which
/// the axis shows as every axis shows its metrics' unit, so the titles say "USD".
extension DashboardBuilder {
    func groundedness() -> DashboardWidget {
        let metric = MetricReference.worker(MetricCatalogue.proposalGroundedness, target: target)
        let rows: [MetricRow] = [
            .metric(metric, stat: .average, label: "average"), .metric(metric, stat: .percentile(10), label: "p10"),
            .metric(metric, stat: .percentile(50), label: "p50"),
        ]
        var widget = graph(
            "Proposal groundedness (0–1), hourly", rows: rows, unit: MetricCatalogue.proposalGroundedness.unit, width: 8,
            lines: [("alarm below \(settings.groundednessThreshold.compactText) (average)", settings.groundednessThreshold)])
        widget.properties["period"] = .number(Double(settings.groundednessWindow.period))
        widget.properties["yAxis"] = [
            "left": ["label": .string(MetricCatalogue.proposalGroundedness.unit.rawValue), "min": 0, "max": 1, "showUnits": false],
        ]
        return widget
    }

    func questionsAndClaims() -> DashboardWidget {
        let rows = [
            (MetricCatalogue.questionsAsked, "screening questions asked"), (MetricCatalogue.questionsUnanswered, "left unanswered"),
            (MetricCatalogue.unsupportedClaims, "unsupported claims"), (MetricCatalogue.proposalLengthOutOfRange, "length out of range"),
        ].map { MetricRow.metric(.worker($0.0, target: target), stat: .sum, label: $0.1) }
        return graph("Questions, unsupported claims, length", rows: rows, unit: .count, width: 8)
    }

    func repairsGuardsDegraded() -> DashboardWidget {
        var rows: [MetricRow] = [
            .metric(.worker(MetricCatalogue.modelRepairs, target: target), stat: .sum, label: "schema repairs"),
            .metric(.worker(MetricCatalogue.guardBlocks, target: target), stat: .sum, label: "guard blocks"),
        ]
        for stage in PipelineStage.degradable {
            rows.append(.metric(
                .worker(MetricCatalogue.degradedJobs, target: target, values: [.stage: stage.rawValue]),
                stat: .sum, label: "degraded: \(stage.rawValue)"))
        }
        return graph("Repairs, guard blocks, degraded stages", rows: rows, unit: .count, width: 8)
    }

    func jobCost() -> DashboardWidget {
        let metric = MetricReference.worker(MetricCatalogue.jobCost, target: target)
        let rows: [MetricRow] = [
            .metric(metric, stat: .percentile(50), label: "p50"), .metric(metric, stat: .percentile(90), label: "p90"),
            .metric(metric, stat: .maximum, label: "max"),
        ]
        var widget = graph(
            "Cost per job (USD)", rows: rows, unit: MetricCatalogue.jobCost.unit, width: 8,
            lines: [("alarm above $\(settings.jobCostMaxUSD.compactText)", settings.jobCostMaxUSD)])
        widget.properties["period"] = .number(Double(settings.jobCostWindow.period))
        return widget
    }

    func dailySpend() -> DashboardWidget {
        let rows: [MetricRow] = [.metric(.worker(MetricCatalogue.jobCost, target: target), stat: .sum, label: "spend per day")]
        var widget = graph(
            "Model spend per day (USD)", rows: rows, unit: MetricCatalogue.jobCost.unit, width: 8,
            lines: [("budget $\(settings.dailySpendBudgetUSD.compactText)", settings.dailySpendBudgetUSD)])
        widget.properties["period"] = .number(Double(settings.dailySpendWindow.period))
        widget.properties["view"] = "bar"
        return widget
    }

    /// Input and output tokens and search units, one line per model (SEARCH over `Provider`).
    func tokensByModel() -> DashboardWidget {
        let rows = [
            (MetricCatalogue.inputTokens, "input"), (MetricCatalogue.outputTokens, "output"), (MetricCatalogue.searchUnits, "searches"),
        ].map { definition, id in
            MetricRow.expression(Self.searchExpression(definition, target: target, statistic: "Sum"), id: id, label: "")
        }
        return graph("Tokens and search units by model", rows: rows, unit: .count, width: 8)
    }
}
