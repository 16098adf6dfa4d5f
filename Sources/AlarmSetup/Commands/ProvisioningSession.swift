import AWS
import Curl
import Foundation

/// One AWS-backed command's setting: the wanted state for the real account and the provisioner,
/// built from the command's options and an environment dictionary (never the process's directly).
struct ProvisioningSession: Sendable {
    let desired: DesiredState
    let provisioner: Provisioner

    /// Runs `body` with a session; the HTTP client is shut down afterwards.
    static func with<Value: Sendable>(
        target targetOptions: TargetOptions, tuning: TuningOptions, provisioning: ProvisioningOptions,
        environment: [String: String], _ body: (ProvisioningSession) async throws -> Value
    ) async throws -> Value {
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let client = AWSClient(environment: environment, httpClient: httpClient)
        guard let region = client.configuration.region else {
            throw AlarmSetupError(code: .invalidSettings, message: "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION)")
        }
        let objectives = try tuning.objectives(environment: environment)
        let provisioner = Provisioner(client: client)
        let placeholder = targetOptions.target(environment: environment, region: region, accountID: DeploymentTarget.placeholderAccountID)
        // Refuse bad options before the first AWS call.
        _ = try AlarmDefinitions(target: placeholder, settings: tuning.settings, objectives: objectives)
        let target = try await provisioner.resolve(placeholder)
        let definitions = try AlarmDefinitions(target: target, settings: tuning.settings, objectives: objectives)
        let session = ProvisioningSession(
            desired: DesiredState(definitions: definitions, subscriptions: provisioning.subscriptions), provisioner: provisioner)
        return try await body(session)
    }
}
