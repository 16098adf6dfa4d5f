/// Static keys of a profile in the shared files: `aws_access_key_id`, `aws_secret_access_key`
/// and optionally `aws_session_token` (see ``SharedConfigFiles`` for paths and `AWS_PROFILE`).
///
/// Profiles that get credentials another way (`role_arn`, `credential_process`, `sso_*`,
/// `web_identity_token_file`) are reported as unsupported rather than silently skipped.
public struct ProfileCredentialProvider: AWSCredentialProvider {
    private let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        let files = SharedConfigFiles(environment: environment)
        let name = "profile \(files.profileName)"
        guard files.profileExists else {
            let message = "profile \(files.profileName) is not in \(files.credentialsPath) or \(files.configPath)"
            throw files.profileIsExplicit
                ? AWSCredentialsError.failed(name, message + " (AWS_PROFILE names it)")
                : AWSCredentialsError.unavailable(name, message)
        }
        let keyID = files["aws_access_key_id"]
        let secret = files["aws_secret_access_key"]
        if let keyID, let secret {
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: files["aws_session_token"])
        }
        if keyID != nil || secret != nil {
            throw AWSCredentialsError.failed(name, "the profile sets only one of aws_access_key_id and aws_secret_access_key")
        }
        let unsupported = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
        if let setting = unsupported.first(where: { files[$0] != nil }) {
            throw AWSCredentialsError.failed(name, "the profile uses \(setting), which this client does not support; give it static keys or use the environment")
        }
        throw AWSCredentialsError.unavailable(name, "the profile has no aws_access_key_id")
    }
}
