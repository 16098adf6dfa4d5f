import Telemetry

extension DashboardBuilder {
    /// Average seconds per stage, stacked: how a job's time divides between the stages.
    func stageBreakdown() -> DashboardWidget {
        var widget = graph(
            "Stage latency breakdown (average, stacked)", rows: stageRows(.average),
            unit: MetricCatalogue.stageLatency.unit)
        widget.properties["stacked"] = true
        return widget
    }

    func stagePercentile() -> DashboardWidget {
        graph("Stage latency p99", rows: stageRows(.percentile(99)), unit: MetricCatalogue.stageLatency.unit)
    }

    private func stageRows(_ stat: AlarmStatistic) -> [MetricRow] {
        PipelineStage.allCases.map { stage in
            .metric(
                .worker(MetricCatalogue.stageLatency, target: target, values: [.stage: stage.rawValue]),
                stat: stat, label: stage.rawValue)
        }
    }

    /// One line per provider found, with a SEARCH over the metric's exact dimension set.
    func byProvider(_ definition: MetricDefinition, title: String, statistic: String = "Sum") -> DashboardWidget {
        let search = Self.searchExpression(definition, target: target, statistic: statistic)
        return graph(title, rows: [.expression(search, id: "byProvider", label: "")], unit: definition.unit, width: 8)
    }

    /// A SEARCH over the metric's exact dimension set for the target's endpoint.
    static func searchExpression(_ definition: MetricDefinition, target: DeploymentTarget, statistic: String) -> String {
        let keys = ([target.namespace] + definition.allDimensions.map(\.rawValue)).map { "\"\($0)\"" }
        return "SEARCH('{\(keys.joined(separator: ","))} MetricName=\"\(definition.name)\" "
            + "\(MetricDimension.endpointName.rawValue)=\"\(target.endpointName)\"', '\(statistic)', \(graphPeriod))"
    }

    /// The fleet's heartbeats per minute (one per running worker) beside the records dropped: the
    /// two telemetry alarms' inputs.
    func telemetryHealth() -> DashboardWidget {
        graph(
            "Telemetry: heartbeats and records dropped",
            rows: [
                .metric(.worker(MetricCatalogue.heartbeat, target: target), stat: .sum, label: "heartbeats (workers)"),
                .metric(.worker(MetricCatalogue.telemetryDropped, target: target), stat: .sum, label: "dropped"),
            ],
            unit: MetricCatalogue.telemetryDropped.unit, width: 8)
    }

    func sageMakerInvocations() -> DashboardWidget {
        let rows = [
            (ExternalMetricCatalogue.invocations, "invocations"), (ExternalMetricCatalogue.invocation4XXErrors, "4xx"),
            (ExternalMetricCatalogue.invocation5XXErrors, "5xx"),
        ].map { MetricRow.metric(.external($0.0, target: target), stat: .sum, label: $0.1) }
        return graph("SageMaker invocations", rows: rows, unit: .count, width: 8)
    }

    /// ModelLatency and OverheadLatency are microseconds; the alarm's line is converted likewise.
    func sageMakerLatency() -> DashboardWidget {
        let model = MetricReference.external(ExternalMetricCatalogue.modelLatency, target: target)
        let overhead = MetricReference.external(ExternalMetricCatalogue.overheadLatency, target: target)
        let rows: [MetricRow] = [
            .metric(model, stat: .average, label: "model average"),
            .metric(model, stat: .maximum, label: "model max"),
            .metric(overhead, stat: .average, label: "overhead average"),
        ]
        let limit = settings.modelLatencyThresholdSeconds
        return graph(
            "SageMaker latency of /invocations (µs)", rows: rows, unit: ExternalMetricCatalogue.modelLatency.unit,
            width: 8, lines: [("alarm at \(limit.compactText) s", limit * 1_000_000)])
    }

    func instanceUtilization() -> DashboardWidget {
        let rows = [
            (ExternalMetricCatalogue.cpuUtilization, "CPU (summed over cores)"),
            (ExternalMetricCatalogue.memoryUtilization, "memory"), (ExternalMetricCatalogue.diskUtilization, "disk"),
        ].map { MetricRow.metric(.external($0.0, target: target), stat: .average, label: $0.1) }
        return graph("Instance utilisation (%)", rows: rows, unit: .percent, width: 8)
    }

    func logs(_ query: String, title: String) -> DashboardWidget {
        DashboardWidget(
            kind: .log, width: 12, height: 8,
            properties: [
                "title": .string(title), "region": .string(target.region), "view": "table",
                "query": .string(LogsInsightsQueries.widgetQuery(query, logGroup: target.resolvedLogGroup)),
            ])
    }

    /// A time-series graph with a labelled left axis in `unit` and optional horizontal lines.
    func graph(
        _ title: String, rows: [MetricRow], unit: MetricUnit, width: Int = 12, lines: [(String, Double)] = []
    ) -> DashboardWidget {
        var properties: [String: JSONValue] = [
            "title": .string(title), "region": .string(target.region), "view": "timeSeries", "stacked": false,
            "period": .number(Double(Self.graphPeriod)), "metrics": .array(rows.map(\.json)),
            "yAxis": ["left": ["label": .string(unit.rawValue), "min": 0, "showUnits": false]],
        ]
        if !lines.isEmpty {
            properties["annotations"] = [
                "horizontal": .array(lines.map { ["label": .string($0.0), "value": .number($0.1)] })
            ]
        }
        return DashboardWidget(kind: .metric, width: width, height: 6, properties: properties)
    }
}
