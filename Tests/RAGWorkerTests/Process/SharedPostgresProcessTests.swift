import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// Two `rag-worker serve` processes on one real Postgres (the `pgserver` wheel): the shared job
/// store lets one finish the jobs of the other after it dies.
@Suite("Two workers sharing one Postgres", .serialized)
struct SharedPostgresProcessTests {
    static let secret = "whsec-shared-postgres"
    static let openAIKey = "sk-shared-postgres-test"

    @Test("a worker killed with SIGKILL mid-job loses nothing: the other finishes its jobs once the leases expire")
    func survivorFinishesJobsOfKilledWorker() async throws {
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        // Every generation takes 3 s, so jobs are still running when the first worker dies.
        await openAI.chatFaults.enqueue(.delay(.seconds(3)), times: 100)
        let receiver = WebhookReceiver(secret: Self.secret)
        let jobIDs = (1...6).map { "shared-\($0)" }

        try await withPostgresServer { server in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                try await withLoopbackServer(receiver.router()) { webhookURL in
                    let environment = [
                        "DATABASE_URL": server.url, "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1",
                        "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.secret,
                        "RAG_LEASE_SECONDS": "3", "RAG_CONCURRENCY": "2",
                        "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
                    ]
                    let first = try TemporaryDirectory(), second = try TemporaryDirectory()
                    defer { first.remove(); second.remove() }
                    let doomed = try await WorkerProcess.start(dataDirectory: first.path, environment: environment)
                    let survivor = try await WorkerProcess.start(dataDirectory: second.path, environment: environment)

                    let client = CurlHTTPClient()
                    defer { client.shutdown() }
                    for id in jobIDs {
                        let response = try await client.execute(HTTPClientRequest(
                            method: .post, url: doomed.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                            body: Data(sampleJob(id: id).utf8), timeout: .seconds(10)))
                        #expect(response.status == 202)
                    }

                    // Kill the first worker while it holds jobs (its leases name its pid).
                    let heldByDoomed = "select string_agg(id, ',' order by id) from rag_jobs where state = 'running' and lease_owner like '%/\(doomed.pid)/%'"
                    try await eventually(timeout: .seconds(20)) {
                        let held = try await server.psql(heldByDoomed).trimmingCharacters(in: .whitespacesAndNewlines)
                        return !held.isEmpty
                    }
                    let orphaned = try await server.psql(heldByDoomed).trimmingCharacters(in: .whitespacesAndNewlines)
                        .split(separator: ",").map(String.init)
                    try await doomed.kill()
                    #expect(!orphaned.isEmpty)

                    try await eventually(timeout: .seconds(60)) {
                        Set(await receiver.acknowledged.compactMap(\.jobID)) == Set(jobIDs)
                    }

                    let deliveries = await receiver.deliveries
                    #expect(Set(deliveries.compactMap(\.jobID)) == Set(jobIDs), "every accepted job is delivered")
                    #expect(deliveries.allSatisfy { $0.idempotencyKey == $0.jobID && $0.signatureValid },
                            "any repeated delivery carries the job's own idempotency key")
                    for id in orphaned {
                        let delivered = try #require(deliveries.last { $0.jobID == id && (200..<300).contains($0.status) })
                        #expect(delivered.json["status"] as? String == "succeeded")
                        #expect((delivered.json["attempts"] as? Int ?? 0) >= 2, "\(id) ran again on the survivor")
                    }
                    let states = try await server.psql("select string_agg(distinct state, ',') from rag_jobs")
                    #expect(states.trimmingCharacters(in: .whitespacesAndNewlines) == "succeeded")
                    let outbox = try await server.psql("select string_agg(distinct state, ',') from rag_outbox")
                    #expect(outbox.trimmingCharacters(in: .whitespacesAndNewlines) == "delivered")
                    #expect(try await survivor.terminate() == 0)
                }
            }
        }
    }
}
