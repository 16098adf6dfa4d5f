import ArgumentParser
import AWS
import Foundation
import Testing
import TestSupport

@testable import AlarmSetup

/// The SLO file's burn-rate alarms through `alarm-setup apply` against moto_server (authentication
/// on; PutCompositeAlarm with its suppressor fields comes from scripts/testing/moto_extensions.py).
@Suite("SLO alarms against moto", .serialized)
struct SLOProvisioningMotoTests {
    private func run(_ arguments: [String], _ moto: MotoServer) async throws -> (Int32, String) {
        let output = BufferedOutput()
        let status: Int32 = switch try AlarmSetupCommand.parseAsRoot(arguments) {
        case let command as ApplyCommand: try await command.execute(environment: moto.environment, output: output)
        case let command as VerifyCommand: try await command.execute(environment: moto.environment, output: output)
        case let command as PlanCommand: try await command.execute(environment: moto.environment, output: output)
        default: -1
        }
        return (status, output.text)
    }

    @Test("apply creates every burn-rate input and composite as rendered, the ticket with its ActionsSuppressor; verify agrees")
    func applyCreatesSLOAlarms() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-slo"
            let (status, output) = try await run(["apply", "--endpoint-name", endpoint], moto)
            #expect(status == 0, "\(output)")

            var target = DeploymentTarget(endpointName: endpoint)
            target.region = moto.region
            target.accountID = MotoServer.accountID
            let wanted = try AlarmDefinitions(target: target, settings: AlarmSettings())
            let metricAlarms = try await CloudWatchClient(client: moto.client()).describeAlarms(prefix: "\(endpoint)-slo-")
            let sloInputs = wanted.metricAlarms.filter { $0.alarmName.hasPrefix("\(endpoint)-slo-") }
            #expect(Set(metricAlarms.map(\.alarmName)) == Set(sloInputs.map(\.alarmName)))
            for alarm in sloInputs {
                let found = try #require(metricAlarms.first { $0.alarmName == alarm.alarmName })
                #expect(JSONDifference.between(Planner.encode(alarm), Planner.encode(MetricAlarmDefinition(observed: found))) == [],
                        "\(alarm.alarmName)")
            }

            let composites = try await AWSResources(client: moto.client()).compositeAlarms(prefix: "\(endpoint)-")
            #expect(Set(composites.map(\.alarmName)) == Set(wanted.compositeAlarms.map(\.alarmName)))
            for composite in wanted.compositeAlarms {
                let found = try #require(composites.first { $0.alarmName == composite.alarmName })
                #expect(found.alarmRule == composite.alarmRule, "\(composite.alarmName)")
                #expect(found.alarmActions == composite.alarmActions)
                #expect(found.actionsSuppressor == composite.actionsSuppressor)
                #expect(found.actionsSuppressorWaitPeriod == composite.actionsSuppressorWaitPeriod)
                #expect(found.actionsSuppressorExtensionPeriod == composite.actionsSuppressorExtensionPeriod)
            }
            let ticket = try #require(composites.first { $0.alarmName == "\(endpoint)-slo-delivery-budget-burn" })
            #expect(ticket.alarmRule == "ALARM(\"\(endpoint)-slo-delivery-budget-burn-1d\") AND ALARM(\"\(endpoint)-slo-delivery-budget-burn-2h\")")
            #expect(ticket.actionsSuppressor == "\(endpoint)-slo-delivery-page")
            #expect(ticket.actionsSuppressorWaitPeriod == 120 && ticket.actionsSuppressorExtensionPeriod == 600)
            #expect(ticket.alarmActions == ["arn:aws:sns:\(moto.region):\(MotoServer.accountID):\(endpoint)-alarms"])
            let page = try #require(composites.first { $0.alarmName == "\(endpoint)-slo-intake-page" })
            #expect(page.alarmRule == "ALARM(\"\(endpoint)-slo-intake-fast-burn\") OR ALARM(\"\(endpoint)-slo-intake-slow-burn\")")

            let (verify, verifyOutput) = try await run(["verify", "--endpoint-name", endpoint], moto)
            #expect(verify == 0, "\(verifyOutput)")
        }
    }

    @Test("another SLO file (a tier removed): plan names the three alarms to delete, apply removes them")
    func sloFileChange() async throws {
        try await withMotoServer { moto in
            let endpoint = "ep-slo-change"
            #expect(try await run(["apply", "--endpoint-name", endpoint], moto).0 == 0)
            let directory = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let shipped = try String(contentsOf: SLODefinitionsFile.url, encoding: .utf8)
            let start = try #require(shipped.range(of: "    - kind: AlertPolicy\n      metadata:\n        name: slow-burn\n"))
            let end = try #require(shipped.range(of: "    - kind: AlertPolicy\n      metadata:\n        name: budget-burn\n", range: start.upperBound..<shipped.endIndex))
            let file = directory.appendingPathComponent("slo.yaml")
            try shipped.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "").write(to: file, atomically: true, encoding: .utf8)
            let arguments = ["--endpoint-name", endpoint, "--slo-file", file.path]
            let (planStatus, plan) = try await run(["plan", "--detailed-exitcode"] + arguments, moto)
            #expect(planStatus == 2)
            for name in ["slow-burn-6h", "slow-burn-30m"] {
                #expect(plan.contains("- metric alarm \(endpoint)-slo-delivery-\(name) (delete)"), "\(plan)")
            }
            #expect(plan.contains("- composite alarm \(endpoint)-slo-delivery-slow-burn (delete)"), "\(plan)")
            #expect(try await run(["apply"] + arguments, moto).0 == 0)
            #expect(try await run(["verify"] + arguments, moto).0 == 0)
            let left = try await AWSResources(client: moto.client()).compositeAlarms(prefix: "\(endpoint)-slo-delivery-slow")
            #expect(left.isEmpty)
        }
    }
}

/// The SLO file the tools ship.
enum SLODefinitionsFile {
    static var url: URL { PackagePaths.root.appendingPathComponent("Sources/Telemetry/Resources/slo/rag-worker.yaml") }
}
