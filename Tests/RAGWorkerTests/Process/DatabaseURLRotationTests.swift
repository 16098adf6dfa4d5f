import AWS
import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// Issue 19: a rotated `DATABASE_URL` (a new password in the Secrets Manager secret) is picked up
/// without a restart.
@Suite("DATABASE_URL rotation", .serialized)
struct DatabaseURLRotationTests {
    @Test(
        "the database password rotated in Secrets Manager (moto) and old sessions cut: new jobs are accepted with the new URL, no restart",
        // 1 s: the regular refresh finds it; 3600 s: the database's refusal of the old password fetches the secret at once.
        arguments: ["1", "3600"])
    func rotatedPassword(secretTTL: String) async throws {
        let moto = try await MotoServer.shared()
        let first = "first-\(UUID().uuidString.prefix(8))"
        let second = "second-\(UUID().uuidString.prefix(8))"
        let server = try await PostgresServer.start(password: first)
        defer { Task { await server.stop() } }
        let secrets = SecretsManagerClient(client: moto.client())
        let name = "rag-worker/db-\(UUID().uuidString.prefix(8))"
        func document(_ password: String) -> String {
            #"{"DATABASE_URL": "postgres://postgres:\#(password)@127.0.0.1:\#(server.port)/postgres?sslmode=disable"}"#
        }
        _ = try await secrets.createSecret(name: name, string: document(first))
        var environment = moto.environment
        // The production accept limit (the harness raises it): a store being reconnected answers
        // 503 at once rather than holding the caller.
        environment.merge(["RAG_SECRET_ID": name, "RAG_SECRET_TTL_SECONDS": secretTTL, "RAG_ACCEPT_TIMEOUT_SECONDS": "1.5"]) { _, new in new }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        @Sendable func post(_ id: String) async throws -> Int {
            try await client.execute(HTTPClientRequest(
                method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                body: Data(sampleJob(id: id).utf8), timeout: .seconds(10))).status
        }
        #expect(try await post("before-rotation") == 202)

        // The rotation as it happens: the password changes, the secret follows, and sessions
        // opened with the old password end (a failover, an idle timeout, a pooler restart).
        _ = try await server.psql("ALTER ROLE postgres PASSWORD '\(second)'")
        _ = try await secrets.putSecretValue(id: name, string: document(second))
        _ = try await server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_addr IS NOT NULL AND pid <> pg_backend_pid()")

        // eventually() records an issue if no job is accepted within the time.
        try await eventually(timeout: .seconds(30)) {
            (try? await post("after-rotation-\(UUID().uuidString.prefix(6))")) == 202
        }
        try await worker.kill()
        #expect(worker.log.contains("DATABASE_URL changed"))
        #expect(!worker.log.contains(first) && !worker.log.contains(second))
    }
}
