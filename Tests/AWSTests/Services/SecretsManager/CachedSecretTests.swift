import AWS
import Foundation
import Testing
import TestSupport

@Suite("CachedSecret: configuration overrides from Secrets Manager (moto)")
struct CachedSecretTests {
    private static let secretValue = "sk-very-secret-value-7f3a"

    @Test("reads the JSON object, keeps it for the TTL, picks up a rotated value after it")
    func ttlRefresh() async throws {
        let secrets = SecretsManagerClient(client: try await MotoServer.shared().client())
        let name = "rag/config-\(UUID().uuidString)"
        try await secrets.createSecret(name: name, string: #"{"OPENAI_API_KEY":"sk-1","WEBHOOK_URL":"https://n8n.example/hook"}"#)
        let clock = TestClock()
        let cached = CachedSecret(secretID: name, client: secrets, ttl: .seconds(3600), now: clock.function)
        #expect(try await cached.values() == ["OPENAI_API_KEY": "sk-1", "WEBHOOK_URL": "https://n8n.example/hook"])

        try await secrets.putSecretValue(id: name, string: #"{"OPENAI_API_KEY":"sk-2","WEBHOOK_URL":"https://n8n.example/hook"}"#)
        clock.advance(by: 3599)
        #expect(try await cached.values()["OPENAI_API_KEY"] == "sk-1")
        clock.advance(by: 2)
        #expect(try await cached.values()["OPENAI_API_KEY"] == "sk-2")
        #expect(await cached.lastRefreshError == nil)
    }

    @Test("refreshNow picks up a rotation at once and reports the new version")
    func refreshNow() async throws {
        let secrets = SecretsManagerClient(client: try await MotoServer.shared().client())
        let name = "rag/rotate-\(UUID().uuidString)"
        try await secrets.createSecret(name: name, string: #"{"COHERE_API_KEY":"old"}"#)
        let cached = CachedSecret(secretID: name, client: secrets)
        let before = try await cached.snapshot()
        let rotated = try await secrets.putSecretValue(id: name, string: #"{"COHERE_API_KEY":"new"}"#)
        #expect(try await cached.values()["COHERE_API_KEY"] == "old")
        let after = try await cached.refreshNow()
        #expect(after.values["COHERE_API_KEY"] == "new")
        #expect(after.versionID == rotated.versionID)
        #expect(after.versionID != before.versionID)
        #expect(!after.description.contains("new"))
    }

    @Test("a failed refresh keeps serving the stale value and reports the failure")
    func staleOnFailure() async throws {
        let secrets = SecretsManagerClient(client: try await MotoServer.shared().client())
        let name = "rag/stale-\(UUID().uuidString)"
        try await secrets.createSecret(name: name, string: #"{"SUPABASE_KEY":"k1"}"#)
        let clock = TestClock()
        let cached = CachedSecret(secretID: name, client: secrets, ttl: .seconds(60), logger: quietLogger, now: clock.function)
        #expect(try await cached.values() == ["SUPABASE_KEY": "k1"])
        try await secrets.putSecretValue(id: name, string: "not json at all " + Self.secretValue)
        clock.advance(by: 61)
        #expect(try await cached.values() == ["SUPABASE_KEY": "k1"])
        let failure = try #require(await cached.lastRefreshError)
        #expect(failure.kind == .notJSON)
        #expect(!failure.description.contains(Self.secretValue))
        await #expect(throws: SecretConfigurationError.self) { try await cached.refreshNow() }
        #expect(try await cached.values() == ["SUPABASE_KEY": "k1"])
    }

    @Test("first-load failures name the secret and the cause, never the value")
    func firstLoadErrors() async throws {
        let moto = try await MotoServer.shared()
        let secrets = SecretsManagerClient(client: moto.client())
        let id = UUID().uuidString.prefix(8)
        let cases: [(name: String, value: String?, kind: SecretConfigurationError.Kind, mentions: String)] = [
            ("rag/absent-\(id)", nil, .notFound, "no such secret"),
            ("rag/text-\(id)", "plain " + Self.secretValue, .notJSON, "not JSON"),
            ("rag/array-\(id)", #"["\#(Self.secretValue)"]"#, .notJSON, "not an object"),
            ("rag/numbers-\(id)", #"{"OPENAI_API_KEY":"\#(Self.secretValue)","RAG_MAX_JOBS":4,"DEBUG":true}"#, .notAnObjectOfStrings, "DEBUG, RAG_MAX_JOBS"),
        ]
        for (name, value, kind, mentions) in cases {
            if let value { try await secrets.createSecret(name: name, string: value) }
            let error = await #expect(throws: SecretConfigurationError.self) {
                try await CachedSecret(secretID: name, client: secrets).values()
            }
            #expect(error?.kind == kind, "\(name)")
            #expect(error?.secretID == name)
            #expect(error?.description.contains(name) == true)
            #expect(error?.description.contains(mentions) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(Self.secretValue) == false)
        }

        let name = "rag/denied-\(id)"
        try await secrets.createSecret(name: name, string: #"{"A":"\#(Self.secretValue)"}"#)
        let restricted = try await moto.createUser(named: "no-secrets-\(id)", allowingAllExcept: ["secretsmanager:GetSecretValue"])
        let denied = await #expect(throws: SecretConfigurationError.self) {
            try await CachedSecret(secretID: name, client: SecretsManagerClient(client: moto.client(credentials: restricted))).values()
        }
        #expect(denied?.kind == .accessDenied)
        #expect(denied?.description.contains(name) == true)
        #expect(denied?.awsError?.code == "AccessDenied")
        #expect(denied?.description.contains(Self.secretValue) == false)
    }
}
