import Foundation
import RAGPipeline

extension Config {
    /// What the access and transport rules look at, read once from the merged configuration.
    struct SecurityFacts {
        var profile: Profile
        var platform: Platform
        var host: String
        var basicAuthUser: String?
        var basicAuthPass: String?
        var allowUnauthenticated: Bool
        var webhookSecret: String?
        var previousWebhookSecret: String? = nil
        /// `(variable, URL)` of every configured outbound URL that carries a key or results.
        var outboundURLs: [(String, String)]
        var databaseURL: String?
    }

    /// Shortest `WEBHOOK_SECRET` production accepts, in bytes (docs: 32 random bytes or more).
    static let minimumWebhookSecretBytes = 32
    /// Fewest key bytes of a `whsec_` webhook secret production accepts (the Standard Webhooks
    /// specification's lower bound).
    static let minimumStandardWebhookKeyBytes = 24
    /// Shortest `BASIC_AUTH_PASS` production accepts, in bytes.
    static let minimumBasicAuthPasswordBytes = 16

    /// Checks who may call the API and how secrets travel, reporting errors to `reader` and
    /// returning the warnings (allowed, but worth an operator's attention at start-up).
    ///
    /// - On `sagemaker`, Basic auth is an error: SageMaker does not forward `Authorization`.
    /// - On `direct` with `production`, an unauthenticated API is an error unless
    ///   `RAG_ALLOW_UNAUTHENTICATED=on` says a gateway in front authenticates (then a warning).
    /// - In `production`, short secrets and plain `http://` to a non-loopback host are errors;
    ///   in `local` they are warnings.
    /// - An `sslmode` libpq does not know is an error in every profile.
    /// Messages name the variable and the rule, never a secret's value.
    static func checkSecurity(_ facts: SecurityFacts, reader: inout EnvironmentReader) -> [String] {
        var warnings: [String] = []
        let production = facts.profile == .production
        let authenticated = facts.basicAuthUser != nil && facts.basicAuthPass != nil

        switch facts.platform {
        case .sagemaker:
            for key in [ConfigKey.basicAuthUser, ConfigKey.basicAuthPass] where reader.string(key) != nil {
                reader.report(key, """
                    must not be set when RAG_PLATFORM=sagemaker: SageMaker does not forward the caller's \
                    Authorization header, so every InvokeEndpoint call would get 401 (IAM authenticates callers there)
                    """)
            }
        case .direct where !authenticated:
            let exposure = "anyone who can connect to the port can submit jobs and read their results at GET /jobs/{id}"
            if production && !facts.allowUnauthenticated {
                reader.report(ConfigKey.basicAuthUser, """
                    BASIC_AUTH_USER and BASIC_AUTH_PASS are required when RAG_PROFILE=production on RAG_PLATFORM=direct \
                    (set RAG_PLATFORM=sagemaker behind SageMaker, or RAG_ALLOW_UNAUTHENTICATED=on when a gateway in front authenticates)
                    """)
            } else if production {
                warnings.append("the API is unauthenticated (RAG_ALLOW_UNAUTHENTICATED=on): \(exposure)")
            } else if !LoopbackHost.contains(facts.host) {
                warnings.append("the API is unauthenticated and listens on \(facts.host), not loopback: \(exposure); set BASIC_AUTH_USER and BASIC_AUTH_PASS, or HOST=127.0.0.1")
            }
        case .direct:
            break
        }

        for (key, value, minimum) in [
            (ConfigKey.webhookSecret, facts.webhookSecret, minimumWebhookSecretBytes),
            (ConfigKey.webhookSecretPrevious, facts.previousWebhookSecret, minimumWebhookSecretBytes),
            (ConfigKey.basicAuthPass, facts.basicAuthPass, minimumBasicAuthPasswordBytes),
        ] {
            guard let value else { continue }
            // A `whsec_` secret is measured by its key's bytes (Standard Webhooks: 24 to 64 random bytes).
            let isStandard = key != ConfigKey.basicAuthPass && value.hasPrefix(StandardWebhookSignature.secretPrefix)
            // A `whsec_` value that is not Base64 is reported once, by `checkWebhookSecrets`.
            if isStandard, (StandardWebhookSignature.keyBytes(value) ?? Data()).isEmpty { continue }
            let length = isStandard ? (StandardWebhookSignature.keyBytes(value)?.count ?? 0) : value.utf8.count
            let least = isStandard ? minimumStandardWebhookKeyBytes : minimum
            guard length < least else { continue }
            let problem = isStandard
                ? "must hold at least \(least) key bytes after whsec_ (got \(length)); generate one with `echo whsec_$(openssl rand -base64 32)`"
                : "must be at least \(least) bytes (got \(length)); generate one with `openssl rand -hex 32`"
            if production { reader.report(key, problem) } else { warnings.append("\(key) \(problem)") }
        }

        for (key, url) in facts.outboundURLs where url.lowercased().hasPrefix("http://") && !LoopbackHost.isLoopbackURL(url) {
            let problem = "must use https: plain http is allowed only for a loopback host (keys and results would cross the network unencrypted)"
            if production { reader.report(key, problem) } else { warnings.append("\(key) \(problem)") }
        }

        if let databaseURL = facts.databaseURL,
           let sslMode = URLComponents(string: databaseURL)?.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            if !PostgresURL.sslModes.contains(sslMode) {
                reader.report(ConfigKey.databaseURL, String(PostgresURL.sslModeProblem(sslMode).dropFirst("DATABASE_URL: ".count)))
            } else if production, ["disable", "allow"].contains(sslMode),
                      let host = URLComponents(string: databaseURL)?.host, !LoopbackHost.contains(host) {
                warnings.append("DATABASE_URL has sslmode=\(sslMode): the connection to the database may be unencrypted")
            }
        }
        return warnings
    }
}
