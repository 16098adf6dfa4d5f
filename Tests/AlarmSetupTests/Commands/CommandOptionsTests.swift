import ArgumentParser
import Testing

@testable import AlarmSetup

@Suite("Command options")
struct CommandOptionsTests {
    @Test("tuning flags, parsed, become the settings; --endpoint is an alias of --endpoint-name")
    func flagsToSettings() throws {
        let command = try ApplyCommand.parse([
            "--endpoint", "rag-worker-dev", "--latency-threshold", "90", "--error-rate-window", "3/5@60",
            "--disable-no-jobs-alarm", "--composite", "--instance-vcpus", "8", "--notify-https", "https://hooks.example.com/x",
        ])
        #expect(command.targetOptions.endpointName == "rag-worker-dev")
        let settings = command.tuning.settings
        #expect(settings.latencyThresholdSeconds == 90)
        #expect(settings.errorRateWindow == AlarmWindow(period: 60, evaluationPeriods: 5, datapointsToAlarm: 3))
        #expect(!settings.noJobsAlarmEnabled && settings.compositeEnabled && settings.instanceVCPUs == 8)
        #expect(command.provisioning.subscriptions == [Subscription(protocol: "https", endpoint: "https://hooks.example.com/x")])
        #expect(try RenderCommand.parse([]).tuning.settings == AlarmSettings())
    }

    @Test("bad option values, refused before any AWS call")
    func refusedEarly() async throws {
        #expect(throws: (any Error).self) { try ApplyCommand.parse(["--notify-https", "http://plain.example.com"]) }
        #expect(throws: (any Error).self) { try ApplyCommand.parse(["--cpu-window", "three"]) }
        // Nothing listens on port 9: reaching AWS would fail with a transport error instead.
        let environment = [
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        ]
        let command = try ApplyCommand.parse(["--endpoint", "bad_name", "--error-rate-window", "3/2@45"])
        let error = try await #require(throws: AlarmSetupError.self) {
            try await command.execute(environment: environment, output: BufferedOutput())
        }
        #expect(error.code == .invalidSettings)
        #expect(error.message.contains("bad_name") && error.message.contains("period 45 s"))
    }

    @Test("no region in the environment, a clear error naming AWS_REGION")
    func noRegion() async throws {
        let command = try VerifyCommand.parse([])
        let error = try await #require(throws: AlarmSetupError.self) {
            try await command.execute(environment: ["AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"], output: BufferedOutput())
        }
        #expect(error.message.contains("AWS_REGION"))
    }
}
