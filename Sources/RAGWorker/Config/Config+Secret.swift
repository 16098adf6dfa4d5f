import AWS
import Curl
import Foundation
import Logging

extension Config {
    /// Builds the configuration from `environment` and, when `RAG_SECRET_ID` is set, the
    /// Secrets Manager secret whose JSON keys override it.
    ///
    /// - Returns: the configuration and the cached secret (for ``SecretRefreshService``), nil
    ///   when no secret is configured.
    /// - Throws: ``ConfigError`` listing every problem, including a secret that cannot be read
    ///   (named, with the cause; never its value).
    static func load(
        environment: [String: String], httpClient: any HTTPClient, logger: Logger
    ) async throws -> (Config, CachedSecret?) {
        let plain = try load(environment: environment)
        guard let secretID = plain.secretID else { return (plain, nil) }
        let aws = AWSClient(environment: environment, httpClient: httpClient, logger: logger)
        let secret = CachedSecret(
            secretID: secretID, client: SecretsManagerClient(client: aws), ttl: plain.secretTTL, logger: logger
        )
        let overrides: [String: String]
        do {
            overrides = try await secret.values()
        } catch let error as SecretConfigurationError {
            throw ConfigError(problems: [ConfigProblem(key: ConfigKey.secretID, problem: "\(error)")])
        } catch let error as AWSCredentialsError {
            throw ConfigError(problems: [ConfigProblem(key: ConfigKey.secretID, problem: "no AWS credentials to read secret \(secretID): \(error)")])
        }
        return (try load(environment: environment, secretOverrides: overrides), secret)
    }
}
