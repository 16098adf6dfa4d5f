import Foundation
import RAGPipeline
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker

/// Stage timings are recorded without waiting, several jobs' together in one write when they
/// arrive at once; every timing must still be kept, in its job, in order, before the finish.
@Suite("SQLite job store: stage timings")
struct StageTimingRecordTests {
    @Test("timings recorded by concurrent jobs all land in their own job, in stage order, with every field")
    func concurrentRecords() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteJobStore(directory: directory.path)
            let now = Date()
            let ids = (0..<6).map { "stages-\($0)" }
            var claims: [String: String] = [:]
            for id in ids {
                _ = try await store.accept(try LeasedFinish.newJob(id), maxBacklog: 100, now: now)
                claims[id] = try await store.claimNext(owner: "w", lease: .seconds(60))?.claim
            }
            let held = claims
            let stages = StageTimeouts.pipelineStages
            await withTaskGroup(of: Void.self) { group in
                for (jobIndex, id) in ids.enumerated() {
                    let claim = held[id] ?? ""
                    group.addTask {
                        for (stageIndex, stage) in stages.enumerated() {
                            let timing = StageTiming(
                                stage: stage, milliseconds: Double(jobIndex) + Double(stageIndex) / 8,
                                provider: stageIndex == 2 ? nil : "p-\(jobIndex)", attempts: stageIndex + 1,
                                outcome: stageIndex == 3 ? "degraded" : "ok")
                            try? await store.recordStage(id, claim: claim, timing: timing)
                            await Task.yield()
                        }
                        _ = try? await store.finish(id, claim: claim, outcome: .succeeded(LeasedFinish.result()),
                                                    payload: Data("{}".utf8), now: Date(), deliveryLease: nil)
                    }
                }
            }
            for (jobIndex, id) in ids.enumerated() {
                let job = try #require(try await store.job(id: id))
                #expect(job.state == .succeeded)
                #expect(job.stageTimings == stages.enumerated().map { stageIndex, stage in
                    StageTiming(stage: stage, milliseconds: Double(jobIndex) + Double(stageIndex) / 8,
                                provider: stageIndex == 2 ? nil : "p-\(jobIndex)", attempts: stageIndex + 1,
                                outcome: stageIndex == 3 ? "degraded" : "ok")
                })
            }
        }
    }
}
