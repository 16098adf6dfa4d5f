import ArgumentParser
import Foundation

/// `alarm-setup apply`: creates or updates the topic, subscriptions, alarms and dashboard; idempotent.
struct ApplyCommand: StatusCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update the alarm topic, the alarms and the dashboard (idempotent).",
        discussion: "Exit status 3: everything was applied except composite alarms, which the API refused.")

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
                if let warning = try await Self.unsubscribedTopicWarning(session) { output.write(warning) }
                if let refusal = result.compositeRefusal {
                    output.write("""
                        Composite alarms were NOT all created: the API refused PutCompositeAlarm (\(refusal)).
                        Everything else is in place; the metric alarms that have actions notify the topic themselves, \
                        the SLO burn-rate alarms do not until their composites exist.
                        """)
                }
            }
            return result.compositeRefusal == nil ? 0 : Self.compositeRefusedStatus
        }
    }

    /// A loud line when the alarms' topic has no subscription: every alarm would fire into the void.
    /// An operator's own topic (`--topic-arn`) is trusted to have its subscribers.
    private static func unsubscribedTopicWarning(_ session: ProvisioningSession) async throws -> String? {
        let target = session.desired.target
        guard target.externalTopicARN == nil, session.desired.subscriptions.isEmpty else { return nil }
        let topic = try await session.provisioner.resources
            .topic(arn: target.topicARN, endpoint: target.endpointName, subscriptions: true)
        guard let topic, topic.subscriptions?.isEmpty ?? false else { return nil }
        return """
            WARNING: topic \(target.topicARN) has no subscription: these alarms notify NOBODY. Subscribe on-call with \
            --notify-email ADDRESS or --notify-https URL (confirm the e-mail AWS sends), or pass --topic-arn of a topic that pages.
            """
    }
}
