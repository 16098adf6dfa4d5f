import AWS
import Curl
import Foundation
import Logging

extension Config {
    /// Builds the configuration from `environment` and, when `RAG_SECRET_ID` is set, the
    /// Secrets Manager secret whose JSON keys override it.
    ///
    /// The secret is read before any rule is checked: the stack gives the container only switches
    /// and `RAG_SECRET_ID`, so rules such as "production needs OPENAI_API_KEY" hold only for the
    /// merged configuration. Only the two settings needed to read the secret come from the plain
    /// environment first.
    ///
    /// - Returns: the configuration and the cached secret (for ``SecretRefreshService``), nil
    ///   when no secret is configured.
    /// - Throws: ``ConfigError`` listing every problem, including a secret that cannot be read
    ///   (named, with the cause; never its value).
    static func load(
        environment: [String: String], httpClient: any HTTPClient, logger: Logger
    ) async throws -> (Config, CachedSecret?) {
        var reader = EnvironmentReader(environment)
        guard let secretID = reader.string(ConfigKey.secretID) else {
            return (try load(environment: environment), nil)
        }
        let ttl = reader.seconds(ConfigKey.secretTTL, default: defaultSecretTTLSeconds, range: secretTTLRange)
        if !reader.problems.isEmpty { throw ConfigError(problems: reader.problems) }
        let aws = AWSClient(environment: environment, httpClient: httpClient, logger: logger)
        let secret = CachedSecret(secretID: secretID, client: SecretsManagerClient(client: aws), ttl: ttl, logger: logger)
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

    /// `RAG_SECRET_TTL_SECONDS` when unset.
    static let defaultSecretTTLSeconds: Double = 3600
    static let secretTTLRange: ClosedRange<Double> = 1...86_400
}
