import ArgumentParser
import Foundation

/// `alarm-setup render`: writes the dashboard body and the alarm definitions; no AWS calls.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write <output>/<endpoint>.json (dashboard body) and <endpoint>.alarms.json; no AWS calls.")

    @OptionGroup var targetOptions: TargetOptions
    @OptionGroup var tuning: TuningOptions

    @Option(help: "Region written into the widgets and ARNs. Default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1.")
    var region: String?

    @Option(help: "Account written into the ARNs (apply uses the real one).")
    var accountId = DeploymentTarget.placeholderAccountID

    @Option(help: "Directory to write into.")
    var output = "dashboards"

    @Flag(help: "Print the written paths as JSON.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let target = targetOptions.target(environment: environment, region: region, accountID: accountId)
        let definitions = try AlarmDefinitions(
            target: target, settings: tuning.settings, objectives: try tuning.objectives(environment: environment))
        let paths = try Renderer(definitions: definitions).write(to: URL(fileURLWithPath: output))
        if json {
            print(String(decoding: try JSONValue.array(paths.map { .string($0) }).encoded(pretty: true), as: UTF8.self))
        } else {
            print("Rendered \(definitions.alarmNames.count) alarms and the dashboard for \(target.endpointName):")
            for path in paths { print("  \(path)") }
        }
    }
}
