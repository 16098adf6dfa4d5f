import ArgumentParser
import Foundation

/// `alarm-setup destroy`: removes exactly what `apply` made for the endpoint.
struct DestroyCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Delete the endpoint's alarms, dashboard and topic that alarm-setup made; nothing else.")

    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var provisioning: ProvisioningOptions

    @Flag(help: "Only show what would be deleted.")
    var dryRun = false

    /// Deletes (or, with `--dry-run`, lists) what alarm-setup owns; returns the exit status.
    func execute(environment: [String: String], output: some CommandOutput) async throws -> Int32 {
        try await ProvisioningSession.with(
            target: targetOptions, tuning: tuning, provisioning: provisioning, environment: environment
        ) { session in
            let plan = dryRun
                ? Planner.destroyPlan(session.desired.target, try await session.provisioner.observe(session.desired, ownership: true))
                : try await session.provisioner.destroy(session.desired)
            if provisioning.json {
                output.write(try plan.json(extra: ["dryRun": .bool(dryRun)]))
            } else {
                output.write(plan.changes.isEmpty ? "Nothing of alarm-setup's found for \(session.desired.target.endpointName)." : plan.rendered())
                output.write(dryRun ? "Dry run: nothing deleted." : "Deleted \(plan.pending.count) resource(s).")
            }
            return 0
        }
    }
}
