import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally `AWS_SESSION_TOKEN`.
///
/// `AWS_SECRET_KEY`/`AWS_ACCESS_KEY` (older names) are not read. A key id without a secret (or the
/// reverse) is an error rather than a reason to try the next provider, as in the SDKs.
public struct EnvironmentCredentialProvider: AWSCredentialProvider {
    private let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        let keyID = environment.nonEmpty("AWS_ACCESS_KEY_ID")
        let secret = environment.nonEmpty("AWS_SECRET_ACCESS_KEY")
        switch (keyID, secret) {
        case (nil, nil):
            throw AWSCredentialsError.unavailable("environment", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
        case (.some, nil):
            throw AWSCredentialsError.failed("environment", "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw AWSCredentialsError.failed("environment", "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case let (.some(keyID), .some(secret)):
            return AWSCredentials(
                accessKeyID: keyID, secretAccessKey: secret, sessionToken: environment.nonEmpty("AWS_SESSION_TOKEN")
            )
        }
    }
}

extension [String: String] {
    /// The value for `key` with surrounding whitespace removed, or `nil` when unset or blank.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}
