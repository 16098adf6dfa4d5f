import Curl
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import RAGPipeline
import SQLite
import Telemetry

extension Config {
    /// Builds and validates the configuration.
    ///
    /// - Parameters:
    ///   - environment: the process environment (tests pass a dictionary).
    ///   - secretOverrides: the keys of the Secrets Manager secret; they win over `environment`.
    /// - Throws: ``ConfigError`` listing every problem found; then ``SLOFileError`` when the SLO
    ///   file (`RAG_SLO_FILE`, else the bundled one) cannot be used.
    ///   - openFileLimit: the process's open-file limit, from which the connection limit's default
    ///     is derived (tests pass one).
    static func load(
        environment: [String: String], secretOverrides: [String: String] = [:], openFileLimit: Int = currentOpenFileLimit()
    ) throws -> Config {
        let merged = environment.merging(secretOverrides) { _, secret in secret }
        var reader = EnvironmentReader(merged)

        let profile = reader.choice(ConfigKey.profile, default: Profile.local)
        let platform = reader.choice(ConfigKey.platform, default: Platform.direct)
        let allowUnauthenticated = reader.flag(ConfigKey.allowUnauthenticated, default: false)
        // Loopback unless the platform needs otherwise: SageMaker connects from outside the container.
        let host = reader.string(ConfigKey.host, default: platform == .sagemaker ? "0.0.0.0" : "127.0.0.1")
        let logLevel: Logger.Level = {
            let raw = reader.string(ConfigKey.logLevel, default: "info").lowercased()
            guard let level = Logger.Level(rawValue: raw) else {
                reader.report(ConfigKey.logLevel, "must be one of trace, debug, info, notice, warning, error, critical")
                return .info
            }
            return level
        }()
        let basicAuthUser = reader.string(ConfigKey.basicAuthUser)
        if (basicAuthUser == nil) != (reader.string(ConfigKey.basicAuthPass) == nil) {
            reader.report(ConfigKey.basicAuthUser, "BASIC_AUTH_USER and BASIC_AUTH_PASS must be set together")
        }

        let webhookURL = reader.url(ConfigKey.webhookURL)
        let webhook = Webhook(
            url: webhookURL,
            maxAttempts: reader.int(ConfigKey.webhookMaxAttempts, default: 6, range: 1...100),
            timeout: reader.seconds(ConfigKey.webhookTimeout, default: 10, range: 0.1...60),
            backoffBase: reader.seconds(ConfigKey.webhookBackoffBase, default: 1, range: 0.01...60),
            backoffMax: reader.seconds(ConfigKey.webhookBackoffMax, default: 60, range: 0.01...3600)
        )
        if webhookURL != nil, reader.string(ConfigKey.webhookSecret) == nil {
            reader.report(ConfigKey.webhookSecret, "required when WEBHOOK_URL is set (deliveries are signed)")
        }
        let rotationWarnings = checkWebhookSecrets(&reader)

        let openAIBase = reader.url(ConfigKey.openAIBaseURL) ?? "https://api.openai.com/v1"
        let openAI = reader.string(ConfigKey.openAIKey).map { _ in
            OpenAI(
                baseURL: openAIBase,
                model: reader.string(ConfigKey.openAIModel, default: "gpt-4o-mini"),
                embeddingModel: reader.string(ConfigKey.openAIEmbeddingModel, default: "text-embedding-3-small")
            )
        }
        let cohereBase = reader.url(ConfigKey.cohereBaseURL) ?? "https://api.cohere.com"
        let cohere = reader.string(ConfigKey.cohereKey).map { _ in
            Cohere(baseURL: cohereBase, model: reader.string(ConfigKey.cohereModel, default: "rerank-v3.5"))
        }
        let supabaseURL = reader.url(ConfigKey.supabaseURL)
        let supabaseKey = reader.string(ConfigKey.supabaseKey)
        if (supabaseURL == nil) != (supabaseKey == nil) {
            reader.report(ConfigKey.supabaseURL, "SUPABASE_URL and SUPABASE_KEY must be set together")
        }
        let supabase = supabaseURL.flatMap { url in supabaseKey.map { _ in Supabase(url: url) } }
        let databaseURL = reader.string(ConfigKey.databaseURL)
        if let databaseURL, !(databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")) {
            reader.report(ConfigKey.databaseURL, "must start with postgres:// or postgresql://")
        }

        if profile == .production {
            for (key, present) in [
                (ConfigKey.openAIKey, openAI != nil),
                (ConfigKey.cohereKey, cohere != nil),
                (ConfigKey.webhookURL, webhookURL != nil),
                (ConfigKey.webhookSecret, reader.string(ConfigKey.webhookSecret) != nil),
            ] where !present {
                reader.report(key, "required when RAG_PROFILE=production")
            }
            if supabase == nil && databaseURL == nil {
                reader.report(ConfigKey.supabaseURL, "production needs SUPABASE_URL + SUPABASE_KEY or DATABASE_URL for retrieval")
            }
        }

        var warnings = checkSecurity(SecurityFacts(
            profile: profile, platform: platform, host: host,
            basicAuthUser: basicAuthUser, basicAuthPass: reader.string(ConfigKey.basicAuthPass),
            allowUnauthenticated: allowUnauthenticated, webhookSecret: reader.string(ConfigKey.webhookSecret),
            previousWebhookSecret: reader.string(ConfigKey.webhookSecretPrevious),
            outboundURLs: [
                (ConfigKey.webhookURL, webhookURL), (ConfigKey.openAIBaseURL, openAI == nil ? nil : openAIBase),
                (ConfigKey.cohereBaseURL, cohere == nil ? nil : cohereBase), (ConfigKey.supabaseURL, supabaseURL),
            ].compactMap { key, url in url.map { (key, $0) } },
            databaseURL: databaseURL
        ), reader: &reader) + rotationWarnings

        var modelPrices = PriceTable.defaults
        if let raw = reader.string(ConfigKey.modelPrices) {
            do {
                modelPrices = try PriceTable.parse(raw)
            } catch {
                for problem in error.problems { reader.report(ConfigKey.modelPrices, problem) }
            }
        }

        let maxInstances = reader.int(ConfigKey.maxInstances, default: 1, range: 1...10_000)
        if profile == .production && databaseURL == nil && maxInstances > 1 {
            warnings.append("""
                RAG_MAX_INSTANCES=\(maxInstances) without DATABASE_URL: each instance keeps the jobs it accepted in its own \
                SQLite file, so instances added by scaling cannot take any of the backlog (and a scaled-in instance takes \
                its jobs with it); set DATABASE_URL or keep the endpoint at one instance
                """)
        }

        let dataDirectory = reader.string(ConfigKey.dataDirectory, default: "./data")
        var telemetry = try Self.telemetry(merged, dataDirectory: dataDirectory, reader: &reader)
        let jobDeadline = reader.seconds(ConfigKey.jobDeadline, default: 120, range: 1...3600)
        // Traces of jobs that breach the promise are exported whatever the sampler says.
        telemetry.otlp.sampler.keepTracesLongerThan = jobDeadline
        var config = Config(
            profile: profile,
            platform: platform,
            allowUnauthenticated: allowUnauthenticated,
            host: host,
            port: reader.int(ConfigKey.port, default: 8080, range: 0...65535),
            logLevel: logLevel,
            basicAuthUser: basicAuthUser,
            maxBodyBytes: reader.int(ConfigKey.maxBodyBytes, default: 1 << 20, range: 1024...(64 << 20)),
            acceptTimeLimit: reader.seconds(ConfigKey.acceptTimeout, default: 1.5, range: 0.1...50),
            httpServer: HTTPServer(
                maxConnections: reader.int(ConfigKey.maxConnections, default: defaultMaxConnections(openFileLimit: openFileLimit), range: 1...1_000_000),
                idleTimeout: reader.seconds(ConfigKey.idleTimeout, default: 75, range: 0.1...3600),
                requestReadTimeout: reader.seconds(ConfigKey.requestReadTimeout, default: 30, range: 0.1...3600)
            ),
            dataDirectory: dataDirectory,
            concurrency: reader.int(ConfigKey.concurrency, default: 4, range: 1...256),
            maxBacklog: reader.int(ConfigKey.maxBacklog, default: 256, range: 1...1_000_000),
            shutdownGrace: reader.seconds(ConfigKey.shutdownGrace, default: DrainBudget.defaultTotal.seconds, range: 0...3600),
            jobDeadline: jobDeadline,
            sqliteDurability: reader.choice(ConfigKey.sqliteSync, default: SQLiteDatabase.Durability.normal),
            usesPostgres: databaseURL != nil,
            leaseDuration: reader.seconds(ConfigKey.leaseSeconds, default: 30, range: 1...3600),
            maxInstances: maxInstances,
            fleetHeartbeat: reader.seconds(ConfigKey.fleetHeartbeat, default: 15, range: 0.1...300),
            jobRetention: .seconds(86_400 * reader.int(ConfigKey.jobRetentionDays, default: 14, range: 1...3650)),
            webhook: webhook,
            openAI: openAI,
            cohere: cohere,
            supabase: supabase,
            modelPrices: modelPrices,
            secretID: reader.string(ConfigKey.secretID),
            secretTTL: reader.seconds(ConfigKey.secretTTL, default: defaultSecretTTLSeconds, range: secretTTLRange),
            telemetry: telemetry,
            secrets: SecretValues(merged),
            warnings: warnings
        )
        if config.jobDeadline <= config.deliveryReserve {
            reader.report(ConfigKey.jobDeadline, "must be longer than RAG_WEBHOOK_TIMEOUT_SECONDS (kept for the first webhook attempt)")
        }
        guard reader.problems.isEmpty else { throw ConfigError(problems: reader.problems) }
        config.objectives = try SLODefinitions.load(environment: merged)
        return config
    }

    /// The Telemetry module's settings from the same variables; its problems join the others.
    private static func telemetry(
        _ environment: [String: String], dataDirectory: String, reader: inout EnvironmentReader
    ) throws -> TelemetryConfiguration {
        var environment = environment
        environment[ConfigKey.dataDirectory] = dataDirectory
        do {
            return try TelemetryConfiguration(environment: environment)
        } catch let error as TelemetryConfigurationError {
            for problem in error.problems { reader.report(problem.variable, problem.problem) }
            return try TelemetryConfiguration(environment: [ConfigKey.dataDirectory: dataDirectory])
        }
    }
}

extension Config {
    /// `RAG_HTTP_MAX_CONNECTIONS` when unset: the open-file limit less a reserve (a quarter, at
    /// least 64) for the SQLite files, outbound connections and logs, between 16 and 4,096.
    /// Connections past it close the longest-idle one, so accept() never runs out of descriptors.
    static func defaultMaxConnections(openFileLimit: Int) -> Int {
        max(16, min(4096, openFileLimit - max(64, openFileLimit / 4)))
    }

    /// The soft `RLIMIT_NOFILE` of this process (1,024 when it cannot be read or is unlimited).
    static func currentOpenFileLimit() -> Int {
        var limit = rlimit()
        // RLIM_INFINITY is all bits set; anything that large is "unlimited" here.
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else { return 1024 }
        return Int(limit.rlim_cur)
    }
}

#if canImport(Glibc)
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif
