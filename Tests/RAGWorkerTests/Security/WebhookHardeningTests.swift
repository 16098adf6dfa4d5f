import Curl
import Foundation
import MetricsTestKit
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// Findings 7, 8 and 9 of the security review: what a receiver answers, what the delivery's
/// headers carry, and where the local sink writes.
@Suite("Security: webhook deliveries")
struct WebhookHardeningTests {
    @Test("a receiver that accepts with 2xx and a 64 MB body: delivered at the first attempt, not retried or dead-lettered")
    func largeAcceptedBody() async throws {
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret, script: ScriptedResponses([
            ScriptedResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: Data(count: 64 << 20)),
        ]))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: WebhookOutboxTests.environment(webhook: webhookURL)) { worker in
                _ = try await worker.postJob(sampleJob(id: "big-answer"))
                let job = try await worker.waitForJob("big-answer") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                #expect(value(job, at: ["delivery", "attempts"]) as? Int == 1)
                #expect(value(job, at: ["delivery", "last_status"]) as? Int == 200)
                #expect(await receiver.deliveries.count == 1)
                // The counter follows the store's commit that the status API already shows.
                try await eventually(timeout: .seconds(5)) {
                    (try? worker.metrics.expectCounter(MetricCatalogue.webhookDeliveries.name).totalValue) == 1
                }
            }
        }
    }

    @Test("a non-ASCII job id travels percent-encoded in Idempotency-Key (plain ASCII), the signed body carries it as it is")
    func nonASCIIIdempotencyKey() async throws {
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret)
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: WebhookOutboxTests.environment(webhook: webhookURL)) { worker in
                let id = "café 42 ☕"
                #expect(try await worker.postJob(sampleJob(id: id)).status == 202)
                _ = try await worker.waitForJob(id) { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                let delivery = try #require(await receiver.deliveries.first)
                let key = try #require(delivery.idempotencyKey)
                #expect(key == "caf%C3%A9%2042%20%E2%98%95")
                #expect(key.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 })
                #expect(key.removingPercentEncoding == id)
                #expect(delivery.jobID == id && delivery.signatureValid)
            }
        }
    }

    @Test("a receiver that deduplicates on the signed body's job_id, as docs/api.md says, spots a replay sent under a new Idempotency-Key")
    func replayUnderNewKey() async throws {
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret)
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: WebhookOutboxTests.environment(webhook: webhookURL)) { worker in
                _ = try await worker.postJob(sampleJob(id: "replayed"))
                _ = try await worker.waitForJob("replayed") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                let captured = try #require(await receiver.deliveries.first)
                // The attacker resends the captured bytes and signature with another key, inside the window.
                let timestamp = try #require(captured.header("X-RAG-Timestamp"))
                let signature = try #require(captured.header("X-RAG-Signature"))
                let replay = try await worker.http.execute(HTTPClientRequest(
                    method: .post, url: webhookURL + "/webhook",
                    headers: ["Content-Type": "application/json", "X-RAG-Timestamp": timestamp, "X-RAG-Signature": signature,
                              "Idempotency-Key": "brand-new-key"],
                    body: captured.body, timeout: .seconds(5)))
                #expect(replay.status == 200)
                let deliveries = await receiver.deliveries
                #expect(deliveries.count == 2)
                #expect(deliveries.allSatisfy { $0.signatureValid }, "the signature covers the body, not the key")
                #expect(Set(deliveries.map(\.idempotencyKey)).count == 2)
                #expect(Set(deliveries.compactMap(\.jobID)) == ["replayed"], "the signed job_id names one job")
                // Which is what receivers are told to key on.
                let api = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/api.md"), encoding: .utf8)
                #expect(api.contains("Deduplicate on the signed body's `job_id`"))
            }
        }
    }

    @Test("local sink: ids that differ only in characters a file name cannot hold get their own files, and a 256-byte id is delivered")
    func localSinkFileNames() async throws {
        try await InProcessWorker.with { worker in
            let ids = ["x y", "x_y", "x?y", "x:y", String(repeating: "é", count: 128)]
            for id in ids {
                #expect(try await worker.postJob(sampleJob(id: id)).status == 202)
            }
            for id in ids {
                let job = try await worker.waitForJob(id) { value($0, at: ["delivery", "status"]) as? String != "pending" }
                #expect(value(job, at: ["delivery", "status"]) as? String == "delivered", "\(id): \(job)")
            }
            let directory = (worker.runtime.config.dataDirectory as NSString).appendingPathComponent("deliveries")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            #expect(files.count == ids.count)
            var stored: Set<String> = []
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(file)))
                stored.insert((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["job_id"] as? String ?? "")
            }
            #expect(stored == Set(ids))
        }
    }
}
