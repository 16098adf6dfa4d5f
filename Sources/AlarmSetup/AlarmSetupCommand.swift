import ArgumentParser

@main
struct AlarmSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alarm-setup")
    func run() async throws {}
}
