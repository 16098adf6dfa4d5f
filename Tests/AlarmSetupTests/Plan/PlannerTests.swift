import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

@Suite("Planner")
struct PlannerTests {
    private func desired(_ settings: AlarmSettings = AlarmSettings(), subscriptions: [Subscription] = []) throws -> DesiredState {
        DesiredState(definitions: try Fixtures.definitions(settings), subscriptions: subscriptions)
    }

    /// What CloudWatch would hold right after a successful apply of `desired`.
    private func applied(_ desired: DesiredState) -> ObservedState {
        ObservedState(
            topic: .init(arn: desired.target.topicARN, managed: true, subscriptions: desired.subscriptions),
            metricAlarms: desired.definitions.metricAlarms,
            compositeAlarms: .success(desired.definitions.compositeAlarms),
            dashboardBody: desired.dashboard.body)
    }

    private let empty = ObservedState(topic: nil, metricAlarms: [], compositeAlarms: .success([]), dashboardBody: nil)

    @Test("empty account, everything to create")
    func fromScratch() throws {
        let wanted = try desired(subscriptions: [Subscription(protocol: "email", endpoint: "oncall@example.com")])
        let plan = Planner.applyPlan(wanted, empty)
        // Topic, subscription, the metric alarms and the SLO burn-rate inputs, the SLO composites and
        // the page alarm, the dashboard.
        let total = 1 + 1 + Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount + Fixtures.sloCompositeCount + 1 + 1
        #expect(plan.pending.count == total)
        #expect(plan.changes.allSatisfy { $0.action == .create })
        #expect(plan.rendered().hasSuffix("Plan: \(total) to create, 0 to update, 0 to delete, 0 unchanged."))
    }

    @Test("applied state, nothing to change")
    func converged() throws {
        let wanted = try desired()
        let plan = Planner.applyPlan(wanted, applied(wanted))
        #expect(!plan.hasChanges)
        #expect(plan.changes.allSatisfy { $0.action == .unchanged })
    }

    @Test("changed threshold, one update naming the field with old and new value")
    func thresholdChange() throws {
        let before = try desired()
        var settings = AlarmSettings()
        settings.errorRatePercent = 2
        let plan = Planner.applyPlan(try desired(settings), applied(before))
        // The dashboard's error-rate line follows the threshold.
        #expect(plan.pending.map(\.name) == ["rag-worker-test-error-rate", "rag-worker-test"])
        #expect(plan.pending.first?.details.contains("Threshold: 5 → 2") == true)
        #expect(plan.pending.last?.details.contains { $0.contains("annotations.horizontal[0].value: 5 → 2") } == true)
    }

    @Test("disabled no-jobs alarm, the owned alarm deleted; an unrelated alarm with the prefix, left alone")
    func staleOwnedAlarm() throws {
        let before = try desired()
        var observed = applied(before)
        var stranger = try #require(before.definitions.metricAlarm(.jobLatencyMax))
        stranger.alarmName = "rag-worker-test-custom"
        stranger.alarmDescription = "someone else's"
        observed.metricAlarms.append(stranger)
        var settings = AlarmSettings()
        settings.noJobsAlarmEnabled = false
        let plan = Planner.applyPlan(try desired(settings), observed)
        // The page alarm's rule and the dashboard's alarm widget lose the alarm too.
        #expect(plan.pending.map(\.name) == ["rag-worker-test-no-jobs-accepted", "rag-worker-test-page", "rag-worker-test"])
        #expect(plan.pending.first?.action == .delete)
        #expect(!plan.changes.contains { $0.name == "rag-worker-test-custom" })
    }

    @Test("an SLO tier removed from the SLO file: its two inputs and its composite deleted, the SLO's page composite updated")
    func staleSLOTier() throws {
        let before = try desired()
        let observed = applied(before)
        var file = before.definitions.objectives
        var objectives = file.objectives
        let index = try #require(objectives.firstIndex { $0.name == "delivery" })
        objectives[index].tiers.removeAll { $0.name == "slow-burn" }
        file = SLODefinitions(file: file.file, objectives: objectives)
        let after = DesiredState(definitions: try AlarmDefinitions(target: before.target, settings: AlarmSettings(), objectives: file))
        let plan = Planner.applyPlan(after, observed)
        let deleted = Set(plan.pending.filter { $0.action == .delete }.map(\.name))
        #expect(deleted == ["rag-worker-test-slo-delivery-slow-burn-6h", "rag-worker-test-slo-delivery-slow-burn-30m",
                            "rag-worker-test-slo-delivery-slow-burn"])
        #expect(plan.pending.contains { $0.name == "rag-worker-test-slo-delivery-page" && $0.action == .update })
    }

    @Test("dimensions and actions in another order, still unchanged")
    func canonicalOrder() throws {
        let wanted = try desired()
        var observed = applied(wanted)
        observed.metricAlarms = observed.metricAlarms.map { alarm in
            var alarm = alarm
            if let metric = alarm.metric {
                alarm.metric = MetricReference(
                    namespace: metric.namespace, metricName: metric.metricName,
                    dimensions: metric.dimensions.reversed(), unit: metric.unit)
            }
            alarm.metrics = alarm.metrics?.reversed()
            return alarm
        }
        #expect(!Planner.applyPlan(wanted, observed).hasChanges)
    }

    @Test("composite unreadable, reported as unknown rather than as a change")
    func compositeUnknown() throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let wanted = try desired(settings)
        var observed = applied(wanted)
        observed.compositeAlarms = .failure(.init(reason: "DescribeAlarms for composite alarms failed"))
        let plan = Planner.applyPlan(wanted, observed)
        #expect(!plan.hasChanges)
        #expect(plan.unknown.map(\.name) == wanted.definitions.compositeAlarms.map(\.alarmName))
        #expect(plan.unknown.last?.name == "rag-worker-test-page")
    }

    @Test("destroy, owned alarms, dashboard and managed topic deleted; unmarked look-alikes and external topics kept")
    func destroy() throws {
        let wanted = try desired()
        var observed = applied(wanted)
        var lookalike = try #require(wanted.definitions.metricAlarm(.errorRate))
        lookalike.alarmDescription = "hand-made"
        observed.metricAlarms[2] = lookalike
        let plan = Planner.destroyPlan(wanted.target, observed)
        #expect(plan.pending.filter { $0.resource == .metricAlarm }.count == Fixtures.metricAlarmCount - 1 + Fixtures.sloMetricAlarmCount)
        #expect(plan.pending.filter { $0.resource == .compositeAlarm }.count == Fixtures.sloCompositeCount + 1)
        #expect(plan.changes.first { $0.name == lookalike.alarmName }?.action == .notOwned)
        #expect(plan.changes.first { $0.resource == .dashboard }?.action == .delete)
        #expect(plan.changes.first { $0.resource == .topic }?.action == .delete)

        var external = wanted.target
        external.externalTopicARN = "arn:aws:sns:eu-west-1:123456789012:shared"
        observed.topic = .init(arn: "arn:aws:sns:eu-west-1:123456789012:shared", managed: false, subscriptions: [])
        observed.dashboardBody = ["widgets": []]
        let kept = Planner.destroyPlan(external, observed)
        #expect(kept.changes.first { $0.resource == .topic }?.action == .notOwned)
        #expect(kept.changes.first { $0.resource == .dashboard }?.action == .notOwned)
    }

    @Test("JSON difference, nested paths with found and wanted values")
    func jsonDifference() {
        let wanted: JSONValue = ["a": ["b": 1, "c": [1, 2]], "d": "x"]
        let found: JSONValue = ["a": ["b": 2, "c": [1, 3]], "e": true]
        #expect(JSONDifference.between(wanted, found).map(\.description) == [
            "a.b: 2 → 1", "a.c[1]: 3 → 2", "d: (none) → \"x\"", "e: true → (none)",
        ])
        let long = String(repeating: "x", count: 100)
        let difference = JSONDifference.between(.string(long + "new tail"), .string(long + "old tail"))
        #expect(difference.map(\.description) == ["(document): \"…\(String(repeating: "x", count: 30))old tail\" → \"…\(String(repeating: "x", count: 30))new tail\""])
    }
}
