import Telemetry

/// Builds the endpoint's dashboard from the metric catalogues and the alarm definitions.
///
/// Every metric comes from `MetricCatalogue` or ``ExternalMetricCatalogue``; the 120 s line and the
/// error-rate line are the alarms' own thresholds, so graph and alarm cannot disagree.
struct DashboardBuilder: Sendable {
    let definitions: AlarmDefinitions
    var target: DeploymentTarget { definitions.target }
    var settings: AlarmSettings { definitions.settings }

    /// Seconds per point of the worker's graphs (the exporter's interval).
    static let graphPeriod = 60

    func build() -> Dashboard {
        let widgets: [DashboardWidget] = [
            header(), alarmStatus(),
        ] + sloRow() + [
            jobLatency(), throughput(),
            errorRate(), backlog(), webhooks(), scaling(),
            stageBreakdown(), stagePercentile(),
            groundedness(), questionsAndClaims(), repairsGuardsDegraded(),
            jobCost(), dailySpend(), tokensByModel(),
            byProvider(MetricCatalogue.providerErrors, title: "Provider errors by provider (attempts)"),
            byProvider(MetricCatalogue.tokensUsed, title: "Tokens used by provider"),
            questionsUnanswered(),
            telemetryHealth(),
            byProvider(MetricCatalogue.telemetryExportCalls, title: "Telemetry export calls by exporter"),
            byProvider(MetricCatalogue.telemetryExportFailures, title: "Telemetry export failures by exporter"),
            byProvider(MetricCatalogue.telemetryExportLag, title: "Telemetry export lag by exporter (maximum)", statistic: "Maximum"),
            sageMakerInvocations(), sageMakerLatency(), instanceUtilization(),
            logs(LogsInsightsQueries.slowestJobs, title: "Slowest jobs (Logs Insights, dashboard time range)"),
            logs(LogsInsightsQueries.failedJobs, title: "Failed jobs (Logs Insights, dashboard time range)"),
        ]
        var dashboard = Dashboard(name: target.dashboardName, flowing: widgets)
        // The Logs Insights widgets answer for the dashboard's range: open on the last hour.
        dashboard.start = "-PT1H"
        return dashboard
    }

    private func header() -> DashboardWidget {
        let markdown = """
            # RAG Worker · \(target.endpointName)
            Made by `alarm-setup` from the metric catalogue: edits in the console are overwritten by the next \
            `alarm-setup apply`. Runbook: `docs/runbook.md`. On an instance you can reach: \
            `rag-worker postmortem --since 1h`, `rag-worker postmortem --job <id>`. Metrics namespace `\(target.namespace)`, log group `\(target.resolvedLogGroup)`. \
            \(AlarmBuilder.ownershipMarker(endpoint: target.endpointName))
            """
        return DashboardWidget(kind: .text, width: 24, height: 2, properties: ["markdown": .string(markdown)])
    }

    private func alarmStatus() -> DashboardWidget {
        let arns = definitions.alarmNames.map { JSONValue.string(target.alarmARN(named: $0)) }
        return DashboardWidget(
            kind: .alarm, width: 24, height: 3,
            properties: ["title": "Alarms", "alarms": .array(arns), "sortBy": "stateUpdatedTimestamp"])
    }

    private func jobLatency() -> DashboardWidget {
        let latency = MetricReference.worker(MetricCatalogue.jobLatency, target: target)
        let rows: [MetricRow] = [50.0, 90, 99].map { .metric(latency, stat: .percentile($0), label: "p\(Int($0))") }
            + [.metric(latency, stat: .maximum, label: "max")]
        return graph(
            "Job latency (accept to webhook 2xx)", rows: rows, unit: MetricCatalogue.jobLatency.unit,
            lines: [("\(Int(settings.latencyThresholdSeconds)) s limit", settings.latencyThresholdSeconds)])
    }

    private func throughput() -> DashboardWidget {
        let rows = [
            (MetricCatalogue.jobsAccepted, "accepted"), (MetricCatalogue.jobsSucceeded, "succeeded"),
            (MetricCatalogue.jobsFailed, "failed"),
        ].map { MetricRow.metric(.worker($0.0, target: target), stat: .sum, label: $0.1) }
        return graph("Jobs per minute", rows: rows, unit: .count)
    }

    /// Proposals delivered with a screening question the model's answers missed (see `degraded`).
    private func questionsUnanswered() -> DashboardWidget {
        let row = MetricRow.metric(.worker(MetricCatalogue.questionsUnanswered, target: target), stat: .sum, label: "unanswered")
        return graph("Screening questions left unanswered", rows: [row], unit: MetricCatalogue.questionsUnanswered.unit)
    }

    private func errorRate() -> DashboardWidget {
        let period = settings.errorRateWindow.period
        let rows: [MetricRow] = [
            .hidden(.worker(MetricCatalogue.jobsFailed, target: target), stat: .sum, id: "failed"),
            .hidden(.worker(MetricCatalogue.jobsSucceeded, target: target), stat: .sum, id: "succeeded"),
            .expression(AlarmBuilder.errorRateExpression, id: "rate", label: "failed / completed (%)"),
        ]
        var widget = graph(
            "Error rate (%), \(period / 60)-minute periods", rows: rows, unit: .percent, width: 8,
            lines: [("alarm at \(settings.errorRatePercent.compactText) %", settings.errorRatePercent)])
        widget.properties["period"] = .number(Double(period))
        return widget
    }

    private func backlog() -> DashboardWidget {
        var wait = MetricRow.metric(
            .worker(MetricCatalogue.queueWait, target: target), stat: .percentile(99), label: "queue wait p99 (s, right)")
        if case .metric(let metric, var options) = wait {
            options["yAxis"] = "right"
            wait = .metric(metric, options: options)
        }
        let rows: [MetricRow] = [
            .metric(.worker(MetricCatalogue.jobsRejected, target: target), stat: .sum, label: "rejected (429/503)"),
            .metric(.worker(MetricCatalogue.authFailures, target: target), stat: .sum, label: "failed logins (401/429)"),
            .metric(.worker(MetricCatalogue.queueDepth, target: target), stat: .maximum, label: "queue depth (max)"),
            wait,
        ]
        var widget = graph("Rejections, failed logins, queue depth and wait", rows: rows, unit: .count, width: 8)
        widget.properties["yAxis"] = [
            "left": ["label": .string(MetricCatalogue.queueDepth.unit.rawValue), "min": 0, "showUnits": false],
            "right": ["label": .string(MetricCatalogue.queueWait.unit.rawValue), "min": 0, "showUnits": false],
        ]
        return widget
    }

    private func webhooks() -> DashboardWidget {
        let rows = [
            (MetricCatalogue.webhookDeliveries, "delivered"), (MetricCatalogue.webhookAttemptFailures, "attempt failed"),
            (MetricCatalogue.webhookFailures, "dead-lettered"),
        ].map { MetricRow.metric(.worker($0.0, target: target), stat: .sum, label: $0.1) }
        return graph("Webhook deliveries", rows: rows, unit: .count, width: 8)
    }
}
