import ArgumentParser

/// `alarm-setup`: the alarms, the SNS topic and the dashboard of one RAG Worker endpoint, from the
/// Telemetry metric catalogue.
@main
struct AlarmSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarm-setup",
        abstract: "Provision the RAG Worker endpoint's CloudWatch alarms, SNS topic and dashboard.",
        subcommands: [PlanCommand.self, ApplyCommand.self, RenderCommand.self, VerifyCommand.self, DestroyCommand.self])
}
