import Foundation

/// Compares what is wanted with what is there: the plan `apply` carries out and `verify` checks,
/// and the plan `destroy` carries out. Pure: it reads no AWS state itself.
enum Planner {
    /// What `apply` must do to reach `desired` from `observed`.
    static func applyPlan(_ desired: DesiredState, _ observed: ObservedState) -> ProvisioningPlan {
        var changes = topicChanges(desired, observed)
        let found = Dictionary(observed.metricAlarms.map { ($0.alarmName, $0) }, uniquingKeysWith: { first, _ in first })
        for alarm in desired.definitions.metricAlarms {
            changes.append(compare(.metricAlarm, alarm.alarmName, wanted: encode(alarm), found: found[alarm.alarmName].map(encode)))
        }
        let wantedNames = Set(desired.definitions.alarmNames)
        for alarm in ownedAlarms(desired.target, observed) where !wantedNames.contains(alarm.alarmName) {
            changes.append(.init(resource: .metricAlarm, name: alarm.alarmName, action: .delete, details: ["no longer wanted"]))
        }
        changes += compositeChanges(desired, observed)
        changes.append(compare(
            .dashboard, desired.dashboard.name, wanted: desired.dashboard.body, found: observed.dashboardBody))
        return ProvisioningPlan(changes: changes)
    }

    /// What `destroy` removes: exactly what carries alarm-setup's marks for this endpoint.
    static func destroyPlan(_ target: DeploymentTarget, _ observed: ObservedState) -> ProvisioningPlan {
        let marker = AlarmBuilder.ownershipMarker(endpoint: target.endpointName)
        var changes = ownedAlarms(target, observed).map {
            ProvisioningPlan.Change(resource: .metricAlarm, name: $0.alarmName, action: .delete)
        }
        for alarm in observed.metricAlarms where isOwnedName(alarm.alarmName, target) && !alarm.alarmDescription.contains(marker) {
            changes.append(.init(resource: .metricAlarm, name: alarm.alarmName, action: .notOwned, details: ["no alarm-setup marker in its description"]))
        }
        switch observed.compositeAlarms {
        case .success(let composites):
            for alarm in composites where alarm.alarmDescription.contains(marker) {
                changes.append(.init(resource: .compositeAlarm, name: alarm.alarmName, action: .delete))
            }
        case .failure(let failure):
            changes.append(.init(resource: .compositeAlarm, name: "\(target.endpointName)-*", action: .unknown, details: [failure.reason]))
        }
        if let body = observed.dashboardBody {
            let owned = (try? String(decoding: body.encoded(pretty: false), as: UTF8.self).contains(marker)) ?? false
            changes.append(.init(
                resource: .dashboard, name: target.dashboardName, action: owned ? .delete : .notOwned,
                details: owned ? [] : ["no alarm-setup marker in its body"]))
        }
        if let topic = observed.topic {
            let owned = topic.managed == true && target.externalTopicARN == nil
            changes.append(.init(
                resource: .topic, name: topic.arn, action: owned ? .delete : .notOwned,
                details: owned ? [] : ["not created by alarm-setup"]))
        }
        return ProvisioningPlan(changes: changes)
    }

    /// The alarm definition as comparable JSON: dimensions and actions in a canonical order.
    static func encode(_ alarm: MetricAlarmDefinition) -> JSONValue {
        var alarm = alarm
        alarm.metric = alarm.metric.map(canonical)
        alarm.metrics = alarm.metrics?.map { query in
            var query = query
            query.metric = query.metric.map(canonical)
            return query
        }.sorted { $0.id < $1.id }
        alarm.alarmActions.sort()
        alarm.okActions.sort()
        alarm.insufficientDataActions.sort()
        let data = (try? JSONEncoder().encode(alarm)) ?? Data()
        return (try? JSONValue.decode(data)) ?? .null
    }

    private static func canonical(_ metric: MetricReference) -> MetricReference {
        MetricReference(
            namespace: metric.namespace, metricName: metric.metricName,
            dimensions: metric.dimensions.sorted { $0.name < $1.name }, unit: metric.unit)
    }

    private static func compare(
        _ resource: ProvisioningPlan.Resource, _ name: String, wanted: JSONValue, found: JSONValue?
    ) -> ProvisioningPlan.Change {
        guard let found else { return .init(resource: resource, name: name, action: .create) }
        let differences = JSONDifference.between(wanted, found)
        guard !differences.isEmpty else { return .init(resource: resource, name: name, action: .unchanged) }
        let shown = differences.prefix(8).map(\.description)
        let more = differences.count > 8 ? ["… and \(differences.count - 8) more differences"] : []
        return .init(resource: resource, name: name, action: .update, details: shown + more)
    }

    private static func topicChanges(_ desired: DesiredState, _ observed: ObservedState) -> [ProvisioningPlan.Change] {
        let arn = desired.target.topicARN
        guard let topic = observed.topic else {
            if desired.target.externalTopicARN != nil {
                return [.init(resource: .topic, name: arn, action: .unknown, details: ["the topic given with --topic-arn does not exist"])]
            }
            return [.init(resource: .topic, name: arn, action: .create)]
                + desired.subscriptions.map { .init(resource: .subscription, name: $0.description, action: .create) }
        }
        var changes: [ProvisioningPlan.Change] = [.init(resource: .topic, name: topic.arn, action: .unchanged)]
        for subscription in desired.subscriptions {
            let present = topic.subscriptions?.contains(subscription) == true
            changes.append(.init(resource: .subscription, name: subscription.description, action: present ? .unchanged : .create))
        }
        return changes
    }

    private static func compositeChanges(_ desired: DesiredState, _ observed: ObservedState) -> [ProvisioningPlan.Change] {
        let marker = desired.ownershipMarker
        let wanted = desired.definitions.compositeAlarms
        switch observed.compositeAlarms {
        case .failure(let failure):
            return wanted.map { .init(resource: .compositeAlarm, name: $0.alarmName, action: .unknown, details: [failure.reason]) }
        case .success(let composites):
            var changes = wanted.map { composite in
                compare(.compositeAlarm, composite.alarmName, wanted: encode(composite),
                        found: composites.first { $0.alarmName == composite.alarmName }.map(encode))
            }
            let wantedNames = Set(wanted.map(\.alarmName))
            for composite in composites where !wantedNames.contains(composite.alarmName) && composite.alarmDescription.contains(marker) {
                changes.append(.init(resource: .compositeAlarm, name: composite.alarmName, action: .delete, details: ["no longer wanted"]))
            }
            return changes
        }
    }

    private static func encode(_ composite: CompositeAlarmDefinition) -> JSONValue {
        var composite = composite
        composite.alarmActions.sort()
        composite.okActions.sort()
        // The input list is derived from the rule; DescribeAlarms does not return it.
        composite.inputAlarmNames = []
        let data = (try? JSONEncoder().encode(composite)) ?? Data()
        return (try? JSONValue.decode(data)) ?? .null
    }

    /// Alarms named like one of alarm-setup's and carrying its marker.
    private static func ownedAlarms(_ target: DeploymentTarget, _ observed: ObservedState) -> [MetricAlarmDefinition] {
        let marker = AlarmBuilder.ownershipMarker(endpoint: target.endpointName)
        return observed.metricAlarms.filter { isOwnedName($0.alarmName, target) && $0.alarmDescription.contains(marker) }
    }

    /// A metric alarm name alarm-setup could have made: `<endpoint>-<kind>` or an SLO's `<endpoint>-slo-…`.
    private static func isOwnedName(_ name: String, _ target: DeploymentTarget) -> Bool {
        if name.hasPrefix(SLOAlarmBuilder.prefix(endpoint: target.endpointName)) { return true }
        return AlarmKind.kind(ofAlarmNamed: name, endpoint: target.endpointName).map { $0 != .page } ?? false
    }
}
