import Curl
import Foundation
import ServiceLifecycle
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("Graceful shutdown")
struct DrainTests {
    @Test("once a drain begins, /invocations and /ping answer 503, and a job still running when the grace ends is queued again")
    func drainRejectsAndRequeues() async throws {
        try await InProcessWorker.with(environment: ["RAG_SHUTDOWN_GRACE_SECONDS": "4"], pipeline: BlockingPipeline()) { worker in
            #expect(try await worker.postJob(sampleJob(id: "long-1")).status == 202)
            _ = try await worker.waitForJob("long-1") { $0["status"] as? String == "running" }
            let started = ContinuousClock.now
            let shutdown = Task { await worker.group.triggerGracefulShutdown() }
            try await eventually(timeout: .seconds(2)) { try await worker.get("/ping").status == 503 }
            let refused = try await worker.postJob(sampleJob(id: "late-1"))
            #expect(refused.status == 503)
            #expect(refused.headers["Retry-After"] != nil)
            #expect((try await worker.get("/ping")).json["status"] as? String == "draining")
            await shutdown.value
            // Give the runner the grace period minus its reserve, then check what it left behind.
            try await eventually(timeout: .seconds(6)) {
                try await worker.runtime.store.job(id: "long-1")?.state == .queued
            }
            #expect(ContinuousClock.now - started >= .milliseconds(900))
            #expect(try await worker.runtime.store.job(id: "late-1") == nil)
        }
    }
}
