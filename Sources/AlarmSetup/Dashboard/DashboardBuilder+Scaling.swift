import Telemetry

extension DashboardBuilder {
    /// What the endpoint scales on: `BacklogPerInstance` (its minute Average is the policy's
    /// metric, drawn against the target) beside the live instances that divide it.
    func scaling() -> DashboardWidget {
        let backlog = MetricReference.worker(MetricCatalogue.backlogPerInstance, target: target)
        let rows: [MetricRow] = [
            .metric(backlog, stat: .average, label: "backlog per instance (average: the scaling metric)"),
            .metric(backlog, stat: .maximum, label: "backlog per instance (max)"),
            .metric(.worker(MetricCatalogue.liveInstances, target: target), stat: .maximum, label: "live instances"),
        ]
        let goal = settings.scalingTargetBacklog
        return graph("Scaling: backlog per instance and live instances", rows: rows, unit: MetricCatalogue.backlogPerInstance.unit,
                     width: 8, lines: [("scaling target \(goal.compactText)", goal)])
    }
}
