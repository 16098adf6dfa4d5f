import Curl
import Foundation
import MetricsTestKit
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("Webhook outbox")
struct WebhookOutboxTests {
    static let secret = "whsec-test-123"

    static func environment(webhook baseURL: String, attempts: Int = 6) -> [String: String] {
        [
            "WEBHOOK_URL": baseURL + "/webhook", "WEBHOOK_SECRET": secret,
            "RAG_WEBHOOK_MAX_ATTEMPTS": String(attempts),
            "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
        ]
    }

    @Test("a receiver failing three times then succeeding gets one acknowledged, signed delivery; every attempt has the same key")
    func retriesUntilDelivered() async throws {
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses([
            ScriptedResponse(status: 503), ScriptedResponse(status: 500), ScriptedResponse(status: 429, headers: ["Retry-After": "0"]),
        ]))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: Self.environment(webhook: webhookURL)) { worker in
                _ = try await worker.postJob(sampleJob(id: "hook-1", extra: #", "metadata": {"n8n_execution_id": "4711", "nested": {"a": [1, true, null]}}"#))
                let job = try await worker.waitForJob("hook-1") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                #expect(value(job, at: ["delivery", "attempts"]) as? Int == 4)
                let attempts = await receiver.deliveries
                #expect(attempts.map(\.status) == [503, 500, 429, 200])
                #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
                #expect(Set(attempts.compactMap(\.idempotencyKey)) == ["hook-1"])
                #expect(attempts.allSatisfy { $0.signatureValid })
                #expect(Set(attempts.map(\.body)).count == 1, "every attempt carries the same document")
                let acknowledged = await receiver.acknowledged
                #expect(acknowledged.count == 1)
                let document = try #require(acknowledged.first?.json)
                #expect(document["status"] as? String == "succeeded")
                #expect(document["job_id"] as? String == "hook-1")
                #expect((document["metadata"] as? [String: Any])?["n8n_execution_id"] as? String == "4711")
                #expect(value(document, at: ["timings", "stages"]) is [String: Any])
                // The counters follow the store's commit that the status API already shows.
                try await eventually(timeout: .seconds(5)) {
                    (try? worker.metrics.expectCounter(MetricCatalogue.webhookDeliveries.name).totalValue) == 1
                }
                #expect(try worker.metrics.expectCounter(MetricCatalogue.webhookAttemptFailures.name).totalValue == 3)
            }
        }
    }

    @Test("a 4xx other than 408/429 is not retried: the delivery is dead-lettered at once")
    func clientErrorDeadLetters() async throws {
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses(fallback: { _ in ScriptedResponse(status: 410) }))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: Self.environment(webhook: webhookURL)) { worker in
                _ = try await worker.postJob(sampleJob(id: "gone-1"))
                let job = try await worker.waitForJob("gone-1") { value($0, at: ["delivery", "status"]) as? String == "dead" }
                #expect(value(job, at: ["delivery", "attempts"]) as? Int == 1)
                #expect(value(job, at: ["delivery", "last_status"]) as? Int == 410)
                #expect(await receiver.deliveries.count == 1)
                try await eventually(timeout: .seconds(5)) {
                    (try? worker.metrics.expectCounter(MetricCatalogue.webhookFailures.name).totalValue) == 1
                }
            }
        }
    }

    @Test("after the last attempt the delivery is a dead letter kept in the store")
    func deadLetterAfterLastAttempt() async throws {
        let receiver = WebhookReceiver(secret: Self.secret, script: ScriptedResponses(fallback: { _ in ScriptedResponse(status: 502) }))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: Self.environment(webhook: webhookURL, attempts: 3)) { worker in
                _ = try await worker.postJob(sampleJob(id: "dead-1"))
                _ = try await worker.waitForJob("dead-1") { value($0, at: ["delivery", "status"]) as? String == "dead" }
                #expect(await receiver.deliveries.count == 3)
                let letters = try await worker.runtime.store.deadLetters(limit: 10)
                #expect(letters.map(\.jobID) == ["dead-1"])
                #expect(letters.first?.lastError == "HTTP 502")
            }
        }
    }

    @Test("a receiver that is down (connection refused) is retried like a 5xx")
    func connectionRefused() async throws {
        let port = try freeLoopbackPort()
        try await InProcessWorker.with(environment: Self.environment(webhook: "http://127.0.0.1:\(port)", attempts: 2)) { worker in
            _ = try await worker.postJob(sampleJob(id: "down-1"))
            let job = try await worker.waitForJob("down-1") { value($0, at: ["delivery", "status"]) as? String == "dead" }
            #expect(value(job, at: ["delivery", "attempts"]) as? Int == 2)
            #expect((value(job, at: ["delivery", "last_error"]) as? String)?.hasPrefix("connectFailed") == true)
        }
    }

    @Test("the signature covers timestamp and body: WebhookSignature verifies its own and rejects tampering")
    func signature() {
        let signer = WebhookSignature(secret: Self.secret)
        let body = Data(#"{"job_id":"x"}"#.utf8)
        let now = Date()
        let timestamp = Int64(now.timeIntervalSince1970)
        let signature = signer.signature(for: body, timestamp: timestamp)
        #expect(WebhookReceiver.verify(secret: Self.secret, body: body, timestamp: String(timestamp), signature: signature))
        #expect(signer.isValid(signature: signature, body: body, timestamp: timestamp, now: now))
        #expect(!signer.isValid(signature: signature, body: Data(#"{"job_id":"y"}"#.utf8), timestamp: timestamp, now: now))
        #expect(!signer.isValid(signature: signature, body: body, timestamp: timestamp + 1, now: now))
        #expect(!signer.isValid(signature: signature, body: body, timestamp: timestamp, now: now.addingTimeInterval(600)))
    }
}
