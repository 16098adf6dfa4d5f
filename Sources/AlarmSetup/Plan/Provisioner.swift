import AWS
import Foundation
import Logging

/// Reads and changes the endpoint's alarms, topic and dashboard in AWS: the engine of `plan`,
/// `apply`, `verify` and `destroy`. Every decision comes from ``Planner``; this type only reads
/// state and carries plans out.
struct Provisioner: Sendable {
    let resources: AWSResources
    var logger = Logger(label: "alarm-setup")

    init(client: AWSClient) {
        resources = AWSResources(client: client)
    }

    /// `target` with the real account of the credentials in place of the placeholder.
    func resolve(_ target: DeploymentTarget) async throws -> DeploymentTarget {
        var target = target
        target.accountID = try await call("GetCallerIdentity") { try await resources.accountID() }
        return target
    }

    /// What exists now for `desired`'s endpoint.
    ///
    /// - Parameter ownership: also read the topic's tags (destroy needs them; apply and verify do not,
    ///   which keeps their IAM permissions to the ones listed in docs/runbook.md).
    func observe(_ desired: DesiredState, ownership: Bool = false) async throws -> ObservedState {
        let target = desired.target
        let topic = try await call("ListTopics") {
            try await resources.topic(
                arn: target.topicARN, endpoint: target.endpointName, ownership: ownership,
                subscriptions: !desired.subscriptions.isEmpty)
        }
        let alarms = try await call("DescribeAlarms") {
            try await resources.cloudWatch.describeAlarms(prefix: "\(target.endpointName)-")
        }
        let composites: Result<[CompositeAlarmDefinition], ObservedState.ReadFailure>
        do {
            composites = .success(try await resources.compositeAlarms(prefix: "\(target.endpointName)-"))
        } catch let error as AWSError {
            composites = .failure(.init(reason: "composite alarms could not be read: \(error)"))
        }
        let body = try await call("GetDashboard") { try await resources.cloudWatch.getDashboard(name: target.dashboardName) }
        return ObservedState(
            topic: topic, metricAlarms: alarms.map(MetricAlarmDefinition.init(observed:)), compositeAlarms: composites,
            dashboardBody: try body.map { try JSONValue.decode(Data($0.utf8)) })
    }

    /// The result of `apply`.
    struct ApplyResult: Sendable {
        let plan: ProvisioningPlan
        /// Why the composite alarm could not be created, when the API refused it.
        var compositeRefusal: String?
        /// PutDashboard's validation messages (the body was accepted).
        var dashboardMessages: [String] = []
    }

    /// Carries out the apply plan: topic and subscriptions first (alarm actions point at the topic),
    /// then metric alarms, the composite alarm, stale alarms, and the dashboard.
    func apply(_ desired: DesiredState) async throws -> ApplyResult {
        let plan = Planner.applyPlan(desired, try await observe(desired))
        var result = ApplyResult(plan: plan)
        let target = desired.target
        for change in plan.changes where change.action == .create {
            switch change.resource {
            case .topic:
                let arn = try await call("CreateTopic") {
                    try await resources.createTopic(name: target.managedTopicName, endpoint: target.endpointName)
                }
                if arn != target.topicARN { logger.warning("topic ARN differs from the expected one", metadata: ["arn": "\(arn)"]) }
            case .subscription:
                guard let subscription = desired.subscriptions.first(where: { $0.description == change.name }) else { continue }
                _ = try await call("Subscribe") {
                    try await resources.sns.subscribe(topicArn: target.topicARN, protocol: subscription.protocol, endpoint: subscription.endpoint)
                }
            default: break
            }
        }
        for alarm in desired.definitions.metricAlarms
        where plan.changes.contains(where: { $0.name == alarm.alarmName && [.create, .update].contains($0.action) }) {
            try await call("PutMetricAlarm") { try await resources.cloudWatch.putMetricAlarm(alarm.awsAlarm) }
        }
        // In the definitions' order: every composite's inputs and suppressor exist before it.
        for composite in desired.definitions.compositeAlarms
        where plan.changes.contains(where: { $0.resource == .compositeAlarm && $0.name == composite.alarmName && [.create, .update].contains($0.action) }) {
            do {
                try await resources.cloudWatch.putCompositeAlarm(composite.awsAlarm)
            } catch let error as AWSError {
                result.compositeRefusal = "\(composite.alarmName): \(error)"
                break
            }
        }
        let stale = plan.changes.filter { $0.action == .delete && [.metricAlarm, .compositeAlarm].contains($0.resource) }.map(\.name)
        if !stale.isEmpty {
            try await call("DeleteAlarms") { try await resources.cloudWatch.deleteAlarms(names: stale) }
        }
        if plan.changes.contains(where: { $0.resource == .dashboard && $0.action != .unchanged }) {
            let body = try desired.dashboard.bodyString()
            let messages = try await call("PutDashboard") {
                try await resources.cloudWatch.putDashboard(name: desired.dashboard.name, body: body)
            }
            result.dashboardMessages = messages.map { "\($0.dataPath ?? "body"): \($0.message)" }
        }
        return result
    }

    /// Deletes what the destroy plan marks for deletion; returns the plan it carried out.
    func destroy(_ desired: DesiredState) async throws -> ProvisioningPlan {
        let plan = Planner.destroyPlan(desired.target, try await observe(desired, ownership: true))
        let alarms = plan.pending.filter { [.metricAlarm, .compositeAlarm].contains($0.resource) }.map(\.name)
        if !alarms.isEmpty {
            try await call("DeleteAlarms") { try await resources.cloudWatch.deleteAlarms(names: alarms) }
        }
        if plan.pending.contains(where: { $0.resource == .dashboard }) {
            try await call("DeleteDashboards") { try await resources.cloudWatch.deleteDashboards(names: [desired.target.dashboardName]) }
        }
        if let topic = plan.pending.first(where: { $0.resource == .topic }) {
            try await call("DeleteTopic") { try await resources.sns.deleteTopic(arn: topic.name) }
        }
        return plan
    }

    /// Runs one AWS call, turning its ``AWSError`` into an ``AlarmSetupError`` for the operator.
    private func call<Value: Sendable>(_ operation: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as AWSError {
            throw AlarmSetupError(
                code: .awsCallFailed, message: "\(error.service) \(error.operation) failed: \(error.message)",
                operation: error.operation, awsErrorCode: error.code, requestID: error.requestID,
                isRetryable: error.isRetryable)
        }
    }
}
