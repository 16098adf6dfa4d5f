import ArgumentParser
import Foundation

/// `alarm-setup verify`: every wanted resource exists and matches; exit 1 otherwise.
struct VerifyCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check that the topic, alarms and dashboard exist and match (exit 1 when not).")

    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var provisioning: ProvisioningOptions

    /// Reports drift; returns 0 when everything matches, 1 otherwise.
    func execute(environment: [String: String], output: some CommandOutput) async throws -> Int32 {
        try await ProvisioningSession.with(
            target: targetOptions, tuning: tuning, provisioning: provisioning, environment: environment
        ) { session in
            let plan = Planner.applyPlan(session.desired, try await session.provisioner.observe(session.desired))
            let problems = plan.pending + plan.unknown
            if provisioning.json {
                output.write(try ProvisioningPlan(changes: problems).json(extra: ["ok": .bool(problems.isEmpty)]))
            } else if problems.isEmpty {
                output.write("verify: OK, \(plan.changes.count) resources of \(session.desired.target.endpointName) exist and match.")
            } else {
                output.write("verify: \(problems.count) resource(s) missing or different:")
                for problem in problems { output.write(problem.description) }
                output.write("Run `alarm-setup apply` with the same options to restore them.")
            }
            return problems.isEmpty ? 0 : 1
        }
    }
}
