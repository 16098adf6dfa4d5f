import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("Webhook outbox with a slow receiver")
struct SlowReceiverTests {
    @Test("a receiver slow to answer one delivery does not hold up the deliveries of other jobs")
    func noHeadOfLineBlocking() async throws {
        // The first delivery is answered after 10 s; every other one at once.
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret, script: ScriptedResponses([
            ScriptedResponse(status: 200, delay: .seconds(10)),
        ]))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            var environment = WebhookOutboxTests.environment(webhook: webhookURL)
            environment["RAG_WEBHOOK_TIMEOUT_SECONDS"] = "30"
            try await InProcessWorker.with(environment: environment) { worker in
                _ = try await worker.postJob(sampleJob(id: "slow-first"))
                try await eventually(timeout: .seconds(10)) { await receiver.deliveries.count == 1 }
                for index in 1...3 {
                    _ = try await worker.postJob(sampleJob(id: "after-\(index)"))
                }
                for index in 1...3 {
                    _ = try await worker.waitForJob("after-\(index)") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                }
                // An order, not a stopwatch: the later jobs were acknowledged while the first
                // answer was still pending (blocked behind it, they would come after it).
                let pending = try await worker.get("/jobs/slow-first").json
                #expect(value(pending, at: ["delivery", "status"]) as? String == "pending",
                        "the later jobs were delivered while the first answer was pending")
                let first = try await worker.waitForJob("slow-first") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                #expect(value(first, at: ["delivery", "attempts"]) as? Int == 1)
            }
        }
    }
}
