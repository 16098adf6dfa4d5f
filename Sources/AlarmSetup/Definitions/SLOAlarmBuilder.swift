import Telemetry

/// Builds the burn-rate alarms of the SLO file (Google SRE Workbook, "Alerting on SLOs": multiwindow,
/// multi-burn-rate alerts) for one endpoint.
///
/// Per active SLO and per tier (an alert policy of the file):
/// - two metric-math alarms on the error ratio in percent, `100 × (total − good) / total`, one over
///   the look-back window and one over 1/12 of it (each a single period: Period = window,
///   1 of 1, missing data not breaching). A page tier's long alarm carries the minimum-traffic
///   guard: `IF(total >= N, ratio, 0)`, N from ``BurnRateTier/minimumEvents(target:)``;
/// - a composite alarm `ALARM(long) AND ALARM(short)`, which is the tier's alarm.
/// Per SLO: a composite `…-page` over its page tiers (`OR`), the pager's input, and each ticket
/// tier's composite names it as `ActionsSuppressor`, so a ticket stays quiet while a page fires.
/// Only the SLO's page composite (or the endpoint's `<endpoint>-page` over it) and the ticket
/// composites notify; the inputs carry no actions.
struct SLOAlarmBuilder: Sendable {
    let target: DeploymentTarget
    let objective: ServiceLevelObjective

    /// While a ticket tier's composite enters ALARM, how long it waits for the page composite
    /// before notifying; and how long after the page composite left ALARM it stays quiet.
    static let suppressorWaitSeconds = 120
    static let suppressorExtensionSeconds = 600

    /// `<endpoint>-slo-<slo>`: the prefix of every alarm of the SLO.
    var prefix: String { Self.prefix(endpoint: target.endpointName) + objective.name }

    static func prefix(endpoint: String) -> String { "\(endpoint)-slo-" }

    /// The tier's composite alarm, e.g. `rag-worker-prod-slo-delivery-fast-burn`.
    func tierAlarmName(_ tier: BurnRateTier) -> String { "\(prefix)-\(tier.name)" }

    /// The tier's metric alarms, e.g. `…-fast-burn-1h` and `…-fast-burn-5m`.
    func windowAlarmName(_ tier: BurnRateTier, seconds: Int) -> String { "\(tierAlarmName(tier))-\(SLODuration.text(seconds))" }

    /// The SLO's page composite over its page tiers, e.g. `rag-worker-prod-slo-delivery-page`.
    var pageAlarmName: String { "\(prefix)-page" }

    var pageTiers: [BurnRateTier] { objective.tiers.filter { $0.severity == .page } }
    var ticketTiers: [BurnRateTier] { objective.tiers.filter { $0.severity == .ticket } }

    /// Where the runbook explains a tier (`docs/runbook.md#slo-delivery-fast-burn`).
    func runbookLink(_ tier: BurnRateTier) -> String { "docs/runbook.md#slo-\(objective.name)-\(tier.name)" }

    /// The long and short metric alarms of every tier, tier by tier.
    func metricAlarms() -> [MetricAlarmDefinition] {
        objective.tiers.flatMap { tier in
            [window(tier, seconds: tier.longWindowSeconds, guarded: tier.severity == .page),
             window(tier, seconds: tier.shortWindowSeconds, guarded: false)]
        }
    }

    /// The composites in the order they can be created: tiers, the page composite, tickets.
    ///
    /// - Parameter pagerExists: the endpoint's `<endpoint>-page` composite reads the SLO's page
    ///   composite and notifies; without it the page composite notifies itself.
    func compositeAlarms(pagerExists: Bool) -> [CompositeAlarmDefinition] {
        let topic = [target.topicARN]
        var composites = pageTiers.map { tier in
            composite(tierAlarmName(tier), about: tierSummary(tier), link: runbookLink(tier),
                      inputs: [windowAlarmName(tier, seconds: tier.longWindowSeconds), windowAlarmName(tier, seconds: tier.shortWindowSeconds)],
                      joiner: "AND", actions: [])
        }
        if !pageTiers.isEmpty {
            composites.append(composite(
                pageAlarmName, about: "a page tier of the \(objective.name) SLO is burning its error budget",
                link: "docs/runbook.md#slo-\(objective.name)-page", inputs: pageTiers.map(tierAlarmName), joiner: "OR",
                actions: pagerExists ? [] : topic))
        }
        for tier in ticketTiers {
            var ticket = composite(
                tierAlarmName(tier), about: "TICKET, not a page: " + tierSummary(tier), link: runbookLink(tier),
                inputs: [windowAlarmName(tier, seconds: tier.longWindowSeconds), windowAlarmName(tier, seconds: tier.shortWindowSeconds)],
                joiner: "AND", actions: topic)
            if !pageTiers.isEmpty {
                ticket.actionsSuppressor = pageAlarmName
                ticket.actionsSuppressorWaitPeriod = Self.suppressorWaitSeconds
                ticket.actionsSuppressorExtensionPeriod = Self.suppressorExtensionSeconds
            }
            composites.append(ticket)
        }
        return composites
    }

    /// The alarm the endpoint's pager reads for this SLO, when it has page tiers.
    var pagerInput: String? { pageTiers.isEmpty ? nil : pageAlarmName }

    /// `100 × bad / total`; `bad = total − good`, and a window with no good event has no `good` value.
    static func errorPercentExpression(guardEvents: Int?) -> String {
        let ratio = "100 * (total - FILL(good, 0)) / total"
        guard let guardEvents else { return ratio }
        return "IF(total >= \(guardEvents), \(ratio), 0)"
    }

    private func window(_ tier: BurnRateTier, seconds: Int, guarded: Bool) -> MetricAlarmDefinition {
        let good = MetricReference.worker(sloMetric(objective.goodMetricName), target: target)
        let total = MetricReference.worker(sloMetric(objective.totalMetricName), target: target)
        let threshold = tier.errorPercentThreshold(target: objective.target)
        let guardEvents = guarded ? tier.minimumEvents(target: objective.target) : nil
        var about = "\(objective.name) SLO: more than \(threshold.compactText) % of events bad over \(SLODuration.text(seconds))"
            + " (burn rate \(tier.burnRate.compactText) of a \(objective.targetText) objective)"
        if let guardEvents { about += ", with at least \(guardEvents) events" }
        return MetricAlarmDefinition(
            alarmName: windowAlarmName(tier, seconds: seconds),
            alarmDescription: "\(tier.severity == .page ? "Page" : "Ticket") tier input: \(about). Runbook: \(runbookLink(tier)). "
                + AlarmBuilder.ownershipMarker(endpoint: target.endpointName),
            alarmActions: [], okActions: [],
            metrics: [
                .metric(id: "good", good, stat: .sum, period: seconds),
                .metric(id: "total", total, stat: .sum, period: seconds),
                .expression(id: "bad_percent", Self.errorPercentExpression(guardEvents: guardEvents), label: "Bad events (%)"),
            ],
            evaluationPeriods: 1, datapointsToAlarm: 1, threshold: threshold,
            comparisonOperator: .greaterThanOrEqualToThreshold, treatMissingData: .notBreaching)
    }

    private func tierSummary(_ tier: BurnRateTier) -> String {
        let share = SLONumber.percent(tier.budgetShare(windowSeconds: objective.windowSeconds), digits: 2)
        return "\(objective.name) SLO burning \(tier.burnRate.compactText)× its budget over \(SLODuration.text(tier.longWindowSeconds))"
            + " and \(SLODuration.text(tier.shortWindowSeconds)) (\(share) of the \(SLODuration.text(objective.windowSeconds)) budget)"
    }

    private func composite(
        _ name: String, about: String, link: String, inputs: [String], joiner: String, actions: [String]
    ) -> CompositeAlarmDefinition {
        CompositeAlarmDefinition(
            alarmName: name,
            alarmDescription: "\(about). Runbook: \(link). \(AlarmBuilder.ownershipMarker(endpoint: target.endpointName))",
            alarmActions: actions, okActions: actions,
            alarmRule: inputs.map { "ALARM(\"\($0)\")" }.joined(separator: " \(joiner) "),
            inputAlarmNames: inputs)
    }

    /// The catalogue's definition of an SLO counter (the file's reader checked that it exists).
    private func sloMetric(_ name: String) -> MetricDefinition {
        guard let definition = MetricCatalogue.definition(named: name) else {
            preconditionFailure("SLO \(objective.name) names \(name), which the catalogue lacks")
        }
        return definition
    }
}
