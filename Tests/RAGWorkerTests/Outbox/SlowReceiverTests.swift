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
        // The first delivery is answered after 4 s; every other one at once.
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret, script: ScriptedResponses([
            ScriptedResponse(status: 200, delay: .seconds(4)),
        ]))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            try await InProcessWorker.with(environment: WebhookOutboxTests.environment(webhook: webhookURL)) { worker in
                _ = try await worker.postJob(sampleJob(id: "slow-first"))
                try await eventually(timeout: .seconds(10)) { await receiver.deliveries.count == 1 }
                let started = ContinuousClock.now
                for index in 1...3 {
                    _ = try await worker.postJob(sampleJob(id: "after-\(index)"))
                }
                for index in 1...3 {
                    _ = try await worker.waitForJob("after-\(index)") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                }
                #expect(ContinuousClock.now - started < .seconds(3), "the later jobs were delivered while the first answer was pending")
                let first = try await worker.waitForJob("slow-first") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                #expect(value(first, at: ["delivery", "attempts"]) as? Int == 1)
            }
        }
    }
}
