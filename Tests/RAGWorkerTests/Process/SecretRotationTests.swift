import AWS
import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// A rotation in Secrets Manager while the worker runs, picked up by the periodic refresh
/// (`RAG_SECRET_TTL_SECONDS`): the old values stay valid at the provider and the receiver, so
/// nothing but the refresh can make the worker switch. (A provider's 401 after a revoked key
/// refreshes at once; KeyRotationTests covers that path.)
@Suite("Secrets rotated while the worker runs", .serialized)
struct SecretRotationTests {
    static let oldWebhookSecret = "whsec-rotation-old-0123456789abcdef"
    static let newWebhookSecret = "whsec-rotation-new-fedcba9876543210"
    static let oldKey = "sk-rotation-ttl-old-0123456789"
    static let newKey = "sk-rotation-ttl-new-9876543210"

    @Test("after WEBHOOK_SECRET and OPENAI_API_KEY are rotated, the next delivery is signed with the new secret and the next calls carry the new key")
    func rotationPickedUpByRefresh() async throws {
        let moto = try await MotoServer.shared()
        let secrets = SecretsManagerClient(client: moto.client())
        let name = "rag-worker/ttl-rotation-\(UUID().uuidString.prefix(8))"
        _ = try await secrets.createSecret(name: name, string: #"{"WEBHOOK_SECRET": "\#(Self.oldWebhookSecret)", "OPENAI_API_KEY": "\#(Self.oldKey)"}"#)
        let openAI = OpenAIDouble(apiKey: Self.oldKey)
        openAI.acceptedKeys = [Self.oldKey, Self.newKey]
        let receiver = WebhookReceiver(secret: Self.oldWebhookSecret)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { receiverURL in
                var environment = moto.environment
                environment.merge([
                    "RAG_SECRET_ID": name, "RAG_SECRET_TTL_SECONDS": "1", "OPENAI_BASE_URL": openAIURL + "/v1",
                    "WEBHOOK_URL": receiverURL + "/webhook",
                    "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
                ]) { _, new in new }
                let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                let client = CurlHTTPClient()
                defer { client.shutdown() }

                /// Posts job `id` and returns its first delivery, with the keys of the OpenAI calls made meanwhile.
                @Sendable func run(_ id: String) async throws -> (delivery: WebhookReceiver.Delivery, keys: Set<String>) {
                    let before = await openAI.embeddings.requests.count + openAI.chat.requests.count
                    let response = try await client.execute(HTTPClientRequest(
                        method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                        body: Data(sampleJob(id: id).utf8)))
                    #expect(response.status == 202)
                    try await eventually(timeout: .seconds(20)) { await receiver.deliveries.contains { $0.jobID == id } }
                    let delivery = try #require(await receiver.deliveries.first { $0.jobID == id })
                    let calls = await openAI.embeddings.requests + openAI.chat.requests
                    #expect(calls.count > before, "\(id) called OpenAI")
                    return (delivery, Set(calls.dropFirst(before).compactMap { $0.header("Authorization") }))
                }
                func signed(_ delivery: WebhookReceiver.Delivery, with secret: String) -> Bool {
                    WebhookReceiver.verify(secret: secret, body: delivery.body, timestamp: delivery.header("X-RAG-Timestamp"),
                                           signature: delivery.header("X-RAG-Signature"))
                }

                let first = try await run("rotation-before")
                #expect(signed(first.delivery, with: Self.oldWebhookSecret))
                #expect(first.keys == ["Bearer \(Self.oldKey)"])

                _ = try await secrets.putSecretValue(
                    id: name, string: #"{"WEBHOOK_SECRET": "\#(Self.newWebhookSecret)", "OPENAI_API_KEY": "\#(Self.newKey)"}"#)
                // The refresh runs every TTL (1 s here): a job or two may still go out with the old values.
                var switched = false
                for attempt in 0..<20 where !switched {
                    let probe = try await run("rotation-probe-\(attempt)")
                    switched = signed(probe.delivery, with: Self.newWebhookSecret) && probe.keys == ["Bearer \(Self.newKey)"]
                    if !switched { try await Task.sleep(for: .milliseconds(250)) }
                }
                #expect(switched, "the worker never used the rotated values")

                // From then on every delivery and call uses the new values only.
                let after = try await run("rotation-after")
                #expect(signed(after.delivery, with: Self.newWebhookSecret))
                #expect(!signed(after.delivery, with: Self.oldWebhookSecret))
                #expect(after.keys == ["Bearer \(Self.newKey)"])

                #expect(try await worker.terminate() == 0)
                for value in [Self.oldWebhookSecret, Self.newWebhookSecret, Self.oldKey, Self.newKey] {
                    #expect(!worker.log.contains(value), "a secret value reached the log")
                }
            }
        }
    }
}
