import ArgumentParser
import Foundation

/// `alarm-setup apply`: creates or updates the topic, subscriptions, alarms and dashboard; idempotent.
struct ApplyCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update the alarm topic, the alarms and the dashboard (idempotent).",
        discussion: "Exit status 3: everything was applied except the composite alarm, which the API refused.")

    /// The exit status when only the composite alarm was refused.
    static let compositeRefusedStatus: Int32 = 3

    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var provisioning: ProvisioningOptions

    /// Applies the definitions and reports what changed; returns the exit status.
    func execute(environment: [String: String], output: some CommandOutput) async throws -> Int32 {
        try await ProvisioningSession.with(
            target: targetOptions, tuning: tuning, provisioning: provisioning, environment: environment
        ) { session in
            let result = try await session.provisioner.apply(session.desired)
            let composite = session.desired.definitions.compositeAlarm?.alarmName
            if provisioning.json {
                var extra: [String: JSONValue] = ["dashboardMessages": .array(result.dashboardMessages.map { .string($0) })]
                if let refusal = result.compositeRefusal { extra["compositeRefused"] = .string(refusal) }
                output.write(try result.plan.json(extra: extra))
            } else {
                let target = session.desired.target
                output.write("Applying to endpoint \(target.endpointName), account \(target.accountID), region \(target.region):")
                output.write(result.plan.rendered(verbose: false))
                let applied = result.plan.pending.count - (result.compositeRefusal == nil ? 0 : 1)
                output.write(result.plan.hasChanges ? "Applied \(applied) change(s)." : "Nothing to change.")
                for message in result.dashboardMessages { output.write("PutDashboard: \(message)") }
                if let refusal = result.compositeRefusal, let composite {
                    output.write("""
                        Composite alarm \(composite) was NOT created: the API refused PutCompositeAlarm (\(refusal)).
                        Everything else is in place; the metric alarms notify the topic themselves.
                        """)
                }
            }
            return result.compositeRefusal == nil ? 0 : Self.compositeRefusedStatus
        }
    }
}
