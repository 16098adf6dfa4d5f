import AWS
import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// The Secrets Manager override, end to end: `rag-worker` reads its secret from moto
/// (authentication on) and picks up a rotation without a restart.
@Suite("Configuration secret from Secrets Manager")
struct SecretOverrideTests {
    static func basic(_ user: String, _ password: String) -> HTTPHeaders {
        ["Content-Type": "application/json", "Authorization": "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    @Test("keys of the secret override the environment, and a rotated password applies without a restart")
    func overrideAndRotation() async throws {
        let moto = try await MotoServer.shared()
        do {
            let secrets = SecretsManagerClient(client: moto.client())
            let name = "rag-worker/test-\(UUID().uuidString.prefix(8))"
            _ = try await secrets.createSecret(name: name, string: #"{"BASIC_AUTH_PASS": "first-pass", "OPENAI_MODEL": "gpt-from-secret"}"#)
            var environment = moto.environment
            environment.merge([
                "RAG_SECRET_ID": name, "RAG_SECRET_TTL_SECONDS": "1", "BASIC_AUTH_USER": "n8n",
                "BASIC_AUTH_PASS": "env-pass", "OPENAI_API_KEY": "sk-test", "OPENAI_MODEL": "gpt-from-env",
            ]) { _, new in new }

            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            environment["RAG_DATA_DIR"] = directory.path
            let shown = try await runWorkerCommand(["config"], environment: environment)
            #expect(shown.status == 0, "\(shown.output)")
            #expect(shown.output.contains("openai gpt-from-secret"))
            #expect(!shown.output.contains("first-pass") && !shown.output.contains("sk-test"))

            let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
            let client = CurlHTTPClient()
            defer { client.shutdown() }
            @Sendable func post(_ password: String, id: String) async throws -> Int {
                try await client.execute(HTTPClientRequest(
                    method: .post, url: worker.baseURL + "/invocations", headers: Self.basic("n8n", password),
                    body: Data(sampleJob(id: id).utf8)
                )).status
            }
            #expect(try await post("first-pass", id: "s1") == 202)
            #expect(try await post("env-pass", id: "s2") == 401)

            _ = try await secrets.putSecretValue(id: name, string: #"{"BASIC_AUTH_PASS": "rotated-pass"}"#)
            try await eventually(timeout: .seconds(10)) { try await post("rotated-pass", id: "s3") == 202 }
            #expect(try await post("first-pass", id: "s4") == 401)
            #expect(try await worker.terminate() == 0)
            #expect(!worker.log.contains("rotated-pass") && !worker.log.contains("first-pass"))
        }
    }

    @Test("production with every key only in the secret starts: the rules are checked on the merged configuration")
    func productionKeysOnlyInSecret() async throws {
        let moto = try await MotoServer.shared()
        do {
            let name = "rag-worker/prod-\(UUID().uuidString.prefix(8))"
            _ = try await SecretsManagerClient(client: moto.client()).createSecret(name: name, string: """
                {"OPENAI_API_KEY": "sk-only-in-secret", "COHERE_API_KEY": "co-only-in-secret",
                 "WEBHOOK_URL": "https://n8n.example.com/webhook/x", "WEBHOOK_SECRET": "wh-only-in-secret-0123456789abcdef",
                 "SUPABASE_URL": "https://abc.supabase.co", "SUPABASE_KEY": "sb-only-in-secret"}
                """)
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            // What the stack gives the container: switches and the secret's id, never a key.
            var environment = moto.environment
            environment.merge(["RAG_PROFILE": "production", "RAG_PLATFORM": "sagemaker", "RAG_SECRET_ID": name,
                               "RAG_DATA_DIR": directory.path]) { _, new in new }
            let shown = try await runWorkerCommand(["config"], environment: environment)
            #expect(shown.status == 0, "\(shown.output)")
            #expect(!shown.output.contains("required when RAG_PROFILE=production"))
            #expect(!shown.output.contains("only-in-secret"))

            // And a key missing from both is still refused, once the secret was read.
            let partial = "rag-worker/partial-\(UUID().uuidString.prefix(8))"
            _ = try await SecretsManagerClient(client: moto.client()).createSecret(name: partial, string: #"{"OPENAI_API_KEY": "sk-x"}"#)
            environment["RAG_SECRET_ID"] = partial
            let refused = try await runWorkerCommand(["config"], environment: environment)
            #expect(refused.status == 78)
            #expect(refused.output.contains("COHERE_API_KEY: required when RAG_PROFILE=production"))
        }
    }

    @Test("a missing secret stops start-up with exit 78, naming the secret")
    func missingSecret() async throws {
        let moto = try await MotoServer.shared()
        do {
            var environment = moto.environment
            environment["RAG_SECRET_ID"] = "rag-worker/does-not-exist"
            let result = try await runWorkerCommand(["serve"], environment: environment)
            #expect(result.status == 78)
            #expect(result.output.contains("RAG_SECRET_ID"))
            #expect(result.output.contains("rag-worker/does-not-exist"))
        }
    }

    @Test("a secret that is not a JSON object stops start-up, without printing the value")
    func notJSON() async throws {
        let moto = try await MotoServer.shared()
        do {
            let name = "rag-worker/plain-\(UUID().uuidString.prefix(8))"
            _ = try await SecretsManagerClient(client: moto.client()).createSecret(name: name, string: "hunter2-plain-text")
            var environment = moto.environment
            environment["RAG_SECRET_ID"] = name
            let result = try await runWorkerCommand(["serve"], environment: environment)
            #expect(result.status == 78)
            #expect(result.output.contains(name))
            #expect(!result.output.contains("hunter2"))
        }
    }
}
