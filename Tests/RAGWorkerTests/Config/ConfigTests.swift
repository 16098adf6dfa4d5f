import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import Telemetry
import Testing
import Tracing

@testable import RAGWorker

@Suite("Configuration")
struct ConfigTests {
    @Test("defaults: port 8080 on loopback, local profile, direct platform, 1 MiB body limit, 4 workers, 25 s drain budget, 120 s deadline from acceptance")
    func defaults() throws {
        let config = try Config.load(environment: [:])
        #expect(config.port == 8080 && config.host == "127.0.0.1")
        #expect(config.profile == .local && config.platform == .direct)
        #expect(config.maxBodyBytes == 1 << 20)
        #expect(config.concurrency == 4)
        #expect(config.shutdownGrace == .seconds(25))
        #expect(config.jobDeadline == .seconds(120))
        #expect(config.deliveryReserve == .seconds(1), "the local sink's reserve")
        #expect(config.openAI == nil && config.cohere == nil && config.webhook.url == nil)
    }

    @Test("bad values stop start-up with one message listing them all")
    func allProblemsAtOnce() {
        let environment = [
            "PORT": "eighty", "RAG_CONCURRENCY": "0", "WEBHOOK_URL": "not a url", "RAG_CLOUDWATCH": "maybe",
            "RAG_PROFILE": "staging", "BASIC_AUTH_USER": "only-user", "DATABASE_URL": "mysql://x",
        ]
        #expect {
            try Config.load(environment: environment)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            let keys = Set(error.problems.map(\.key))
            return keys == ["PORT", "RAG_CONCURRENCY", "WEBHOOK_URL", "RAG_CLOUDWATCH", "RAG_PROFILE", "BASIC_AUTH_USER", "DATABASE_URL"]
                && error.description.contains("7 problems")
        }
    }

    @Test("production requires every real provider and the webhook, and says which are missing")
    func productionRequiresProviders() {
        #expect {
            try Config.load(environment: ["RAG_PROFILE": "production", "RAG_PLATFORM": "sagemaker", "OPENAI_API_KEY": "sk-x"])
        } throws: { error in
            let keys = Set((error as? ConfigError)?.problems.map(\.key) ?? [])
            return keys == ["COHERE_API_KEY", "WEBHOOK_URL", "WEBHOOK_SECRET", "SUPABASE_URL"]
        }
    }

    @Test("secret overrides win over the environment, and secret values never appear in errors or the summary")
    func secretsStaySecret() throws {
        let config = try Config.load(
            environment: ["OPENAI_API_KEY": "sk-env", "WEBHOOK_URL": "https://n8n.example/webhook/abc?token=zzz", "WEBHOOK_SECRET": "whsec-1"],
            secretOverrides: ["OPENAI_API_KEY": "sk-from-secret"]
        )
        #expect(config.secrets.value("OPENAI_API_KEY") == "sk-from-secret")
        let summary = config.summary
        for secret in ["sk-from-secret", "sk-env", "whsec-1", "zzz"] {
            #expect(!summary.contains(secret))
        }
        #expect(summary.contains("openai gpt-4o-mini"))
    }

    @Test("with DATABASE_URL the summary names Postgres for retrieve and persist, never the password")
    func postgresSummary() throws {
        let config = try Config.load(environment: ["DATABASE_URL": "postgres://rag:pw-secret-9@db.example:5432/rag"])
        let summary = config.summary
        #expect(summary.contains("postgres pgvector (DATABASE_URL)"))
        #expect(summary.contains("postgres table proposals (DATABASE_URL)"))
        #expect(!summary.contains("pw-secret-9"))
    }

    @Test("the summary names the providers the factory builds, and never the DATABASE_URL password", arguments: [
        ["DATABASE_URL": "postgres://rag:pw-secret-9@db.example:5432/rag"],
        ["DATABASE_URL": "postgres://rag:pw-secret-9@db.example:5432/rag", "SUPABASE_URL": "https://abc.supabase.co",
         "SUPABASE_KEY": "sb-secret", "OPENAI_API_KEY": "sk-secret-openai", "COHERE_API_KEY": "co-secret-cohere"],
    ])
    func summaryFollowsFactory(environment: [String: String]) async throws {
        let config = try Config.load(environment: environment)
        let settings = config.pipelineSettings()
        var logger = Logger(label: "config-tests")
        logger.logLevel = .critical
        let components = try await PipelineFactory.make(
            settings: settings, httpClient: CurlHTTPClient(), tracer: NoOpTracer(),
            metrics: NOOPMetricsHandler.instance, logger: logger)
        #expect(components.sqliteDatabase == nil)
        let summary = Dictionary(config.stageProviders, uniquingKeysWith: { first, _ in first })
        for provider in components.stageProviders where provider.stage != .keywordBoost {
            let line = try #require(summary[provider.stage.rawValue])
            let system = try #require(provider.provider.split(separator: ":").first.map(String.init))
            if provider.isEmbeddedDefault || !provider.provider.contains(":") {
                #expect(line.hasSuffix("(embedded default)"), "\(provider.stage): \(line)")
            } else {
                #expect(line.hasPrefix(system), "\(provider.stage): \(line) vs \(provider.provider)")
            }
        }
        for secret in ["pw-secret-9", "sb-secret", "sk-secret-openai", "co-secret-cohere"] {
            #expect(!config.summary.contains(secret))
        }
    }

    @Test("rotated secret values replace the old ones and report which keys changed")
    func rotation() throws {
        let config = try Config.load(environment: ["COHERE_API_KEY": "old"])
        #expect(config.secrets.update(["COHERE_API_KEY": "new", "PORT": "1"]) == ["COHERE_API_KEY"])
        #expect(config.secrets.value("COHERE_API_KEY") == "new")
        #expect(config.secrets.value("PORT") == nil)
    }

    @Test("a job deadline no longer than the webhook time limit is refused: the first attempt would have no room")
    func deadlineMustExceedWebhookTimeout() throws {
        let error = #expect(throws: ConfigError.self) {
            try Config.load(environment: [
                "WEBHOOK_URL": "https://n8n.example.com/webhook/x", "WEBHOOK_SECRET": "whsec-0123456789abcdef",
                "RAG_WEBHOOK_TIMEOUT_SECONDS": "30", "RAG_JOB_DEADLINE_SECONDS": "30",
            ])
        }
        #expect(error?.problems.map(\.key) == ["RAG_JOB_DEADLINE_SECONDS"])
        let config = try Config.load(environment: [
            "WEBHOOK_URL": "https://n8n.example.com/webhook/x", "WEBHOOK_SECRET": "whsec-0123456789abcdef",
            "RAG_WEBHOOK_TIMEOUT_SECONDS": "30", "RAG_JOB_DEADLINE_SECONDS": "90",
        ])
        #expect(config.deliveryReserve == .seconds(30))
    }
}
