import ArgumentParser
import Foundation

/// `alarm-setup plan`: what `apply` would change, from DescribeAlarms, GetDashboard and SNS.
struct PlanCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Show what apply would create, update or delete; changes nothing.")

    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var provisioning: ProvisioningOptions

    @Flag(help: "Exit with status 2 when there are changes (0 when none).")
    var detailedExitcode = false

    /// Prints the plan; returns the exit status.
    func execute(environment: [String: String], output: some CommandOutput) async throws -> Int32 {
        try await ProvisioningSession.with(
            target: targetOptions, tuning: tuning, provisioning: provisioning, environment: environment
        ) { session in
            let plan = Planner.applyPlan(session.desired, try await session.provisioner.observe(session.desired))
            if provisioning.json {
                output.write(try plan.json())
            } else {
                let target = session.desired.target
                output.write("Endpoint \(target.endpointName), account \(target.accountID), region \(target.region):")
                output.write(plan.rendered())
                if !plan.hasChanges { output.write("No changes: CloudWatch matches the definitions.") }
            }
            return detailedExitcode && plan.hasChanges ? 2 : 0
        }
    }
}
