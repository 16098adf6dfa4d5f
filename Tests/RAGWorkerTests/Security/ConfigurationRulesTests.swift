import Foundation
import RAGPipeline
import Testing
import TestSupport

@testable import RAGWorker

/// Findings 5 and 6 of the security review: a one-character `WEBHOOK_SECRET` and an `http://`
/// webhook were accepted in production; an unknown `sslmode` silently became an unverified
/// connection instead of failing as libpq does.
@Suite("Security: configuration rules")
struct ConfigurationRulesTests {
    /// A production configuration on `direct` that passes every rule but authentication.
    static let productionOnDirect: [String: String] = [
        "RAG_PROFILE": "production", "OPENAI_API_KEY": "sk-prod-0123456789abcdef", "COHERE_API_KEY": "co-prod-0123456789abcdef",
        "SUPABASE_URL": "https://abc.supabase.co", "SUPABASE_KEY": "sb-prod-0123456789abcdef",
        "WEBHOOK_URL": "https://n8n.example.com/webhook/rag", "WEBHOOK_SECRET": String(repeating: "k7", count: 16),
    ]
    /// The same on SageMaker, where it passes every rule.
    static let production = productionOnDirect.merging(["RAG_PLATFORM": "sagemaker"]) { $1 }

    /// The problems `Config.load` reports for `environment` (none when it loads).
    static func problems(_ environment: [String: String]) -> [ConfigProblem] {
        do {
            _ = try Config.load(environment: environment)
            return []
        } catch let error as ConfigError {
            return error.problems
        } catch {
            return [ConfigProblem(key: "?", problem: "\(error)")]
        }
    }

    @Test("production refuses a WEBHOOK_SECRET under 32 bytes and a BASIC_AUTH_PASS under 16, without printing them")
    func shortSecretsRefused() {
        let problems = Self.problems(Self.productionOnDirect.merging([
            "WEBHOOK_SECRET": "x", "BASIC_AUTH_USER": "n8n", "BASIC_AUTH_PASS": "hunter2",
        ]) { $1 })
        #expect(Set(problems.map(\.key)) == [ConfigKey.webhookSecret, ConfigKey.basicAuthPass])
        #expect(problems.allSatisfy { $0.problem.contains("at least") })
        #expect(!problems.contains { $0.problem.contains("hunter2") })
    }

    @Test("local profile: a short secret is a warning, not an error")
    func shortSecretsWarnLocally() throws {
        let config = try Config.load(environment: ["WEBHOOK_URL": "http://127.0.0.1:9/webhook", "WEBHOOK_SECRET": "short"])
        #expect(config.warnings.contains { $0.hasPrefix("WEBHOOK_SECRET must be at least 32 bytes") })
    }

    @Test("production refuses plain http to another host for the webhook and every provider; loopback http stays allowed (tests, sidecars)",
          arguments: [
            ("WEBHOOK_URL", "http://n8n.example.com/webhook/rag"), ("OPENAI_BASE_URL", "http://gateway.internal:8080/v1"),
            ("COHERE_BASE_URL", "http://10.0.0.5"), ("SUPABASE_URL", "http://abc.supabase.co"),
          ])
    func plainHTTPRefused(key: String, url: String) throws {
        let problems = Self.problems(Self.production.merging([key: url]) { $1 })
        #expect(problems.map(\.key) == [key])
        #expect(problems.first?.problem.contains("https") == true)
        let loopback = url.replacingOccurrences(of: URL(string: url)?.host ?? "", with: "127.0.0.1")
        #expect(Self.problems(Self.production.merging([key: loopback]) { $1 }).isEmpty)
        #expect(Self.problems(Self.production.merging([key: url.replacingOccurrences(of: "http://", with: "http://localhost.")]) { $1 }).count == 1)
    }

    @Test("an sslmode libpq does not know stops start-up, in every profile, and so does the client configuration",
          arguments: ["verify_full", "required", "VERIFY-FULL", ""])
    func unknownSSLModeRefused(mode: String) throws {
        let url = "postgres://rag:pw-secret-9@db.example.com:5432/rag?sslmode=\(mode)"
        let problems = Self.problems(["DATABASE_URL": url])
        #expect(problems.map(\.key) == [ConfigKey.databaseURL])
        #expect(problems.first?.problem.contains("invalid sslmode") == true)
        #expect(!problems.contains { $0.problem.contains("pw-secret-9") })
        #expect(throws: PipelineSettingsError.self) { _ = try PostgresURL(url) }
    }

    @Test("every sslmode libpq knows is accepted", arguments: PostgresURL.sslModes)
    func knownSSLModesAccepted(mode: String) throws {
        let url = "postgres://rag:pw@db.example.com:5432/rag?sslmode=\(mode)"
        #expect(Self.problems(["DATABASE_URL": url]).isEmpty)
        #expect(try PostgresURL(url).sslMode == mode)
    }
}
