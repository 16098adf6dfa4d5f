import Curl
import Foundation
import MetricsTestKit
import ServiceLifecycle
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("Graceful shutdown")
struct DrainTests {
    @Test("once a drain begins, /invocations and /ping answer 503, and a job still running at the jobs cutoff is queued again")
    func drainRejectsAndRequeues() async throws {
        // A 6 s budget, its last second for telemetry: jobs may run until 3 s after SIGTERM.
        let environment = ["RAG_SHUTDOWN_GRACE_SECONDS": "6", "RAG_TELEMETRY_SHUTDOWN_SECONDS": "1"]
        try await InProcessWorker.with(environment: environment, pipeline: BlockingPipeline()) { worker in
            #expect(try await worker.postJob(sampleJob(id: "long-1")).status == 202)
            _ = try await worker.waitForJob("long-1") { $0["status"] as? String == "running" }
            let started = ContinuousClock.now
            let shutdown = Task { await worker.group.triggerGracefulShutdown() }
            try await eventually(timeout: .seconds(10)) { try await worker.get("/ping").status == 503 }
            let refused = try await worker.postJob(sampleJob(id: "late-1"))
            #expect(refused.status == 503)
            #expect(refused.headers["Retry-After"] != nil)
            #expect((try await worker.get("/ping")).json["status"] as? String == "draining")
            await shutdown.value
            try await eventually(timeout: .seconds(8)) {
                try await worker.runtime.store.job(id: "long-1")?.state == .queued
            }
            #expect(ContinuousClock.now - started >= .milliseconds(2_900), "the job had until the jobs cutoff")
            #expect(try await worker.runtime.store.job(id: "late-1") == nil)
        }
    }

    @Test("a webhook attempt still in flight at the deliveries cutoff is cancelled and released: not counted, not failed")
    func attemptCutOffIsNotCounted() async throws {
        // The receiver never answers within the drain; the attempt's own limit (20 s) is longer.
        let receiver = WebhookReceiver(secret: WebhookOutboxTests.secret, script: ScriptedResponses(fallback: { _ in
            ScriptedResponse(status: 200, delay: .seconds(60))
        }))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            let environment = WebhookOutboxTests.environment(webhook: webhookURL).merging([
                "RAG_WEBHOOK_TIMEOUT_SECONDS": "20", "RAG_SHUTDOWN_GRACE_SECONDS": "5", "RAG_TELEMETRY_SHUTDOWN_SECONDS": "1",
            ]) { $1 }
            try await InProcessWorker.with(environment: environment) { worker in
                _ = try await worker.postJob(sampleJob(id: "in-flight"))
                try await eventually(timeout: .seconds(20)) { await receiver.deliveries.count == 1 }
                await worker.group.triggerGracefulShutdown()
                // Released, not leased: the next instance may deliver it at once. (Left to its
                // own 20 s limit, the attempt would end as a failure, and only then be due.)
                try await eventually(timeout: .seconds(15)) {
                    try await !worker.runtime.store.claimDue(owner: "next", lease: .seconds(30), limit: 10).isEmpty
                }
                let delivery = try #require(try await worker.runtime.store.job(id: "in-flight")?.delivery)
                #expect(delivery.state == .pending)
                #expect(delivery.attempts == 0, "the cut-off attempt was counted")
                #expect(delivery.lastError == nil)
                #expect(worker.metrics.counterTotal(label: MetricCatalogue.webhookAttemptFailures.name) == 0)
                #expect(worker.metrics.counterTotal(label: MetricCatalogue.webhookFailures.name) == 0)
            }
        }
    }
}
