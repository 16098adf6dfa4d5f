import ArgumentParser
import AWS
import Foundation
import TestSupport
import Testing

@testable import AlarmSetup

/// `plan`, `apply`, `verify` and `destroy` against moto_server with authentication on.
@Suite("Provisioning against moto", .serialized)
struct ProvisioningMotoTests {
    /// Runs a subcommand as a user would (same arguments), against `moto`; returns status and output.
    private func run(_ arguments: [String], _ moto: MotoServer) async throws -> (Int32, String) {
        let output = BufferedOutput()
        let command = try AlarmSetupCommand.parseAsRoot(arguments)
        let environment = moto.environment
        let status: Int32
        switch command {
        case let command as ApplyCommand: status = try await command.execute(environment: environment, output: output)
        case let command as PlanCommand: status = try await command.execute(environment: environment, output: output)
        case let command as VerifyCommand: status = try await command.execute(environment: environment, output: output)
        case let command as DestroyCommand: status = try await command.execute(environment: environment, output: output)
        default: Issue.record("not an AWS command: \(arguments)"); return (-1, "")
        }
        return (status, output.text)
    }

    /// The rendered files for `endpoint` in moto's account and region, as `render` writes them.
    private func rendered(_ endpoint: String, _ moto: MotoServer, extra: [String] = []) throws -> (dashboard: JSONValue, alarms: JSONValue) {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let command = try RenderCommand.parse(
            ["--endpoint-name", endpoint, "--region", moto.region, "--account-id", MotoServer.accountID, "--output", directory.path] + extra)
        let target = command.targetOptions.target(environment: [:], region: moto.region, accountID: MotoServer.accountID)
        let files = try Renderer(definitions: AlarmDefinitions(target: target, settings: command.tuning.settings)).files()
        return (try JSONValue.decode(files[0].contents), try JSONValue.decode(files[1].contents))
    }

    private func observedAlarms(_ endpoint: String, _ moto: MotoServer) async throws -> [String: JSONValue] {
        let alarms = try await CloudWatchClient(client: moto.client()).describeAlarms(prefix: "\(endpoint)-")
        return Dictionary(uniqueKeysWithValues: alarms.map { ($0.alarmName, Planner.encode(MetricAlarmDefinition(observed: $0))) })
    }

    private func renderedAlarms(_ json: JSONValue) throws -> [String: JSONValue] {
        let data = try json["MetricAlarms"].map { try $0.encoded(pretty: false) } ?? Data()
        let alarms = try JSONDecoder().decode([MetricAlarmDefinition].self, from: data)
        return Dictionary(uniqueKeysWithValues: alarms.map { ($0.alarmName, Planner.encode($0)) })
    }

    @Test("apply, empty account, creates exactly the rendered alarms, dashboard and topic; a second apply and plan change nothing")
    func applyIsExactAndIdempotent() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-apply"
            let (status, output) = try await run(["apply", "--endpoint-name", endpoint, "--notify-email", "oncall@example.com"], moto)
            #expect(status == 0, "\(output)")
            let applied = Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount + Fixtures.sloCompositeCount + 4
            #expect(output.contains("Applied \(applied) change(s)."), "\(output)")

            let files = try rendered(endpoint, moto)
            let found = try await observedAlarms(endpoint, moto)
            #expect(Set(found.keys) == Set(try renderedAlarms(files.alarms).keys))
            for (name, wanted) in try renderedAlarms(files.alarms) {
                #expect(JSONDifference.between(wanted, found[name]) == [], "\(name)")
            }
            let body = try #require(try await CloudWatchClient(client: moto.client()).getDashboard(name: endpoint))
            #expect(try JSONValue.decode(Data(body.utf8)) == files.dashboard)
            let topicARN = "arn:aws:sns:\(moto.region):\(MotoServer.accountID):\(endpoint)-alarms"
            let subscriptions = try await SNSClient(client: moto.client()).listSubscriptionsByTopic(topicArn: topicARN)
            #expect(subscriptions.map(\.endpoint) == ["oncall@example.com"])

            let (again, againOutput) = try await run(["apply", "--endpoint-name", endpoint, "--notify-email", "oncall@example.com"], moto)
            #expect(again == 0 && againOutput.contains("Nothing to change."), "\(againOutput)")
            let (planStatus, planOutput) = try await run(
                ["plan", "--endpoint-name", endpoint, "--notify-email", "oncall@example.com", "--detailed-exitcode"], moto)
            #expect(planStatus == 0 && planOutput.contains("No changes"), "\(planOutput)")
        }
    }

    @Test("quality and cost alarms: plan shows each, apply creates each in moto as rendered, with its runbook link")
    func qualityAndCostAlarms() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-quality"
            let kinds: [AlarmKind] = [.groundedness, .guardBlocks, .repairDegradedRate, .dailySpend, .jobCostOutlier]
            let (planStatus, plan) = try await run(["plan", "--endpoint-name", endpoint, "--detailed-exitcode"], moto)
            #expect(planStatus == 2)
            for kind in kinds {
                #expect(plan.contains("+ metric alarm \(kind.alarmName(endpoint: endpoint)) (create)"), "\(kind): \(plan)")
            }
            #expect(try await run(["apply", "--endpoint-name", endpoint, "--daily-spend-budget", "35"], moto).0 == 0)
            let found = try await observedAlarms(endpoint, moto)
            let wanted = try renderedAlarms(rendered(endpoint, moto, extra: ["--daily-spend-budget", "35"]).alarms)
            for kind in kinds {
                let name = kind.alarmName(endpoint: endpoint)
                let alarm = try #require(found[name], "\(name) missing in moto")
                #expect(JSONDifference.between(wanted[name], alarm) == [], "\(name)")
                #expect(alarm["AlarmDescription"]?.stringValue?.contains("docs/runbook.md#\(kind.rawValue)") == true)
            }
            #expect(found["ep-quality-daily-spend"]?["Threshold"] == 35)
            #expect(found["ep-quality-daily-spend"]?["Period"] == 86_400)
        }
    }

    @Test("changed threshold, plan shows the one update, apply makes it, then nothing is left to change")
    func thresholdUpdate() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-update"
            #expect(try await run(["apply", "--endpoint-name", endpoint], moto).0 == 0)
            let changed = ["--endpoint-name", endpoint, "--error-rate-threshold", "2"]
            let (planStatus, plan) = try await run(["plan", "--detailed-exitcode"] + changed, moto)
            #expect(planStatus == 2)
            #expect(plan.contains("~ metric alarm ep-update-error-rate (update)\n"), "\(plan)")
            #expect(plan.contains("\n    Threshold: 5 → 2\n"), "\(plan)")
            #expect(plan.contains("Plan: 0 to create, 2 to update, 0 to delete"), "\(plan)")
            #expect(try await run(["apply"] + changed, moto).0 == 0)
            let alarm = try #require(try await observedAlarms(endpoint, moto)["ep-update-error-rate"])
            #expect(alarm["Threshold"] == 2)
            #expect(try await run(["plan", "--detailed-exitcode"] + changed, moto).0 == 0)
        }
    }

    @Test("verify, after apply, OK; a deleted or an altered alarm, exit 1 naming it")
    func verifyDetectsDrift() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-verify"
            let arguments = ["--endpoint-name", endpoint]
            #expect(try await run(["apply"] + arguments, moto).0 == 0)
            let (ok, okOutput) = try await run(["verify"] + arguments, moto)
            #expect(ok == 0 && okOutput.hasPrefix("verify: OK"), "\(okOutput)")

            let cloudWatch = CloudWatchClient(client: moto.client())
            try await cloudWatch.deleteAlarms(names: ["ep-verify-webhook-dead-letters"])
            let (deleted, deletedOutput) = try await run(["verify"] + arguments, moto)
            #expect(deleted == 1)
            #expect(deletedOutput.contains("+ metric alarm ep-verify-webhook-dead-letters (create)"), "\(deletedOutput)")

            #expect(try await run(["apply"] + arguments, moto).0 == 0)
            var altered = try #require(try await cloudWatch.describeAlarms(names: ["ep-verify-job-latency-p99"]).first)
            altered.threshold = 300
            try await cloudWatch.putMetricAlarm(altered)
            let (changed, changedOutput) = try await run(["verify"] + arguments, moto)
            #expect(changed == 1)
            #expect(changedOutput.contains("ep-verify-job-latency-p99 (update)\n    Threshold: 300 → 120"), "\(changedOutput)")
        }
    }

    @Test("destroy, after apply, removes the alarms, dashboard and topic apply made and nothing else")
    func destroyIsExact() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-destroy"
            let client = moto.client()
            let cloudWatch = CloudWatchClient(client: client)
            let sns = SNSClient(client: client)
            // Unrelated resources, two of them with the endpoint's prefix.
            let stranger = MetricAlarm(
                alarmName: "ep-destroy-custom", namespace: "Other", metricName: "Thing", statistic: .sum, period: 60,
                evaluationPeriods: 1, threshold: 1, comparisonOperator: .greaterThanThreshold)
            try await cloudWatch.putMetricAlarm(stranger)
            var unrelated = stranger
            unrelated.alarmName = "someone-elses-alarm"
            try await cloudWatch.putMetricAlarm(unrelated)
            try await cloudWatch.putDashboard(name: "ep-destroy-custom", body: #"{"widgets":[]}"#)
            try await cloudWatch.putDashboard(name: "unrelated", body: #"{"widgets":[]}"#)
            let otherTopic = try await sns.createTopic(name: "unrelated-topic")

            #expect(try await run(["apply", "--endpoint-name", endpoint], moto).0 == 0)
            #expect(try await cloudWatch.describeAlarms(prefix: "ep-destroy-").count == Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount + 1)
            let (status, output) = try await run(["destroy", "--endpoint-name", endpoint], moto)
            // The metric alarms, the SLO composites and the page composite, the dashboard and the topic.
            let deleted = Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount + Fixtures.sloCompositeCount + 3
            #expect(status == 0 && output.contains("Deleted \(deleted) resource(s)."), "\(output)")

            #expect(try await cloudWatch.describeAlarms(prefix: "ep-destroy-").map(\.alarmName) == ["ep-destroy-custom"])
            #expect(try await cloudWatch.describeAlarms(names: ["someone-elses-alarm"]).count == 1)
            #expect(Set(try await cloudWatch.listDashboards().map(\.name)) == ["ep-destroy-custom", "unrelated"])
            let resources = AWSResources(client: client)
            #expect(try await resources.topic(arn: "arn:aws:sns:\(moto.region):\(MotoServer.accountID):ep-destroy-alarms", endpoint: endpoint) == nil)
            #expect(try await resources.topic(arn: otherTopic, endpoint: endpoint) != nil)
            let (again, againOutput) = try await run(["destroy", "--endpoint-name", endpoint], moto)
            #expect(again == 0 && againOutput.contains("Deleted 0 resource(s)."), "\(againOutput)")
        }
    }

    @Test("the composite page alarm is created by default over every metric alarm, and verify agrees")
    func compositeByDefault() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-composite"
            let (status, output) = try await run(["apply", "--endpoint-name", endpoint], moto)
            #expect(status == 0, "\(output)")
            let metricAlarms = try await CloudWatchClient(client: moto.client()).describeAlarms(prefix: "\(endpoint)-")
            let composites = try await AWSResources(client: moto.client()).compositeAlarms(prefix: "\(endpoint)-")
            let page = try #require(composites.first { $0.alarmName == "\(endpoint)-page" }, "\(output)")
            #expect(metricAlarms.count == Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount, "the catalogue's alarms and the SLOs' burn-rate inputs")
            let replaced = AlarmDefinitions.replacedBySLOs.map { $0.alarmName(endpoint: endpoint) }
            for alarm in metricAlarms where !alarm.alarmName.contains("-slo-") && !replaced.contains(alarm.alarmName) {
                #expect(page.alarmRule.contains("ALARM(\"\(alarm.alarmName)\")"), "\(alarm.alarmName) is not an input of the page alarm")
            }
            for slo in ["delivery", "intake"] {
                #expect(page.alarmRule.contains("ALARM(\"\(endpoint)-slo-\(slo)-page\")"))
            }
            for name in replaced { #expect(!page.alarmRule.contains("ALARM(\"\(name)\")")) }
            #expect(page.alarmActions == ["arn:aws:sns:\(moto.region):\(MotoServer.accountID):\(endpoint)-alarms"])
            let (verify, verifyOutput) = try await run(["verify", "--endpoint-name", endpoint], moto)
            #expect(verify == 0, "\(verifyOutput)")
        }
    }

    @Test("composite alarm refused (no cloudwatch:PutCompositeAlarm), reported with exit 3 while the rest is created")
    func compositeRefused() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-refused"
            let denied = try await moto.createUser(
                named: "no-composite-\(UUID().uuidString.prefix(6))",
                allowingAllExcept: ["cloudwatch:PutCompositeAlarm", "monitoring:PutCompositeAlarm"])
            var environment = moto.environment
            environment["AWS_ACCESS_KEY_ID"] = denied.accessKeyID
            environment["AWS_SECRET_ACCESS_KEY"] = denied.secretAccessKey
            let output = BufferedOutput()
            let status = try await ApplyCommand.parse(["--endpoint-name", endpoint]).execute(environment: environment, output: output)
            #expect(status == ApplyCommand.compositeRefusedStatus, "\(output.text)")
            #expect(output.text.contains("Composite alarms were NOT all created"), "\(output.text)")
            #expect(try await CloudWatchClient(client: moto.client()).describeAlarms(prefix: "ep-refused-").count
                    == Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount)
            let (verify, verifyOutput) = try await run(["verify", "--endpoint-name", endpoint], moto)
            #expect(verify == 1 && verifyOutput.contains("ep-refused-page"), "\(verifyOutput)")
        }
    }

    @Test("wrong secret, apply fails with the signature error and changes nothing")
    func authenticationIsOn() async throws {
        try await withMotoServer { moto in
            var environment = moto.environment
            environment["AWS_SECRET_ACCESS_KEY"] = "wrong"
            let command = try ApplyCommand.parse(["--endpoint-name", "ep-auth"])
            let error = try await #require(throws: AlarmSetupError.self) {
                try await command.execute(environment: environment, output: BufferedOutput())
            }
            #expect(error.awsErrorCode == "SignatureDoesNotMatch" || error.awsErrorCode == "InvalidClientTokenId", "\(error)")
            #expect(try await CloudWatchClient(client: moto.client()).describeAlarms(prefix: "ep-auth-").isEmpty)
        }
    }
}
