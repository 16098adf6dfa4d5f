import CoreMetrics
import Foundation
import Logging
import RAGPipeline
import Telemetry

extension JobRunner {
    /// How one run of the pipeline ended, from the runner's point of view.
    enum RunOutcome: Sendable {
        /// Finished, well or badly: record it and deliver it.
        case finished(JobOutcome)
        /// Cancelled by shutdown: give the job back to the queue.
        case interrupted

        var name: String {
            switch self {
            case .finished(.succeeded): "succeeded"
            case .finished(.failed): "failed"
            case .interrupted: "interrupted"
            }
        }
    }

    /// Runs the pipeline under the job's deadline, renewing the lease while it runs.
    func runPipeline(
        _ job: JobRecord, claim: String, timings: StageTimingLog, usage: JobUsageLog, capture: JobCapture, logger: Logger
    ) async -> RunOutcome {
        if let problem = job.storedRequestProblem {
            return .finished(.failed(JobFailure(
                code: "invalid_stored_request", message: "the stored request no longer validates: \(problem)",
                stage: PipelineStage.validate.rawValue, provider: nil
            )))
        }
        let budget = JobDeadline(acceptedAt: job.acceptedAt, deadline: settings.jobDeadline, deliveryReserve: settings.deliveryReserve)
        let deadline = budget.pipelineDeadline
        guard deadline > .now else {
            return .finished(.failed(JobFailure(PipelineError(
                code: .deadlineExceeded, stage: .embed,
                message: "no time left for the pipeline: \(budget.elapsedDescription) passed since the job was accepted, "
                    + "of \(settings.jobDeadline) to its webhook delivery"
            ))))
        }
        let context = JobContext(
            jobID: job.id, traceID: job.traceID, deadline: deadline, logger: logger, usage: usage, capture: capture,
            // `StageLatency` is the pipeline's to record (docs/pipeline.md); this keeps the job's own record.
            recordStage: { [store] timing in
                await timings.append(timing)
                do {
                    try await store.recordStage(job.id, claim: claim, timing: timing)
                } catch {
                    logger.warning("cannot record a stage timing", metadata: ["stage": "\(timing.stage.rawValue)", "error": "\(error)"])
                }
            }
        )
        do {
            let result = try await withThrowingTaskGroup(of: ProposalResult?.self) { group in
                group.addTask { try await pipeline.run(job.request, context: context) }
                group.addTask {
                    // A backstop: the stages keep to the deadline themselves.
                    try await Task.sleep(until: deadline + .seconds(1), clock: .continuous)
                    throw PipelineError(
                        code: .deadlineExceeded, stage: await timings.stageInProgress,
                        message: "the job did not finish within \(settings.jobDeadline) of its acceptance"
                    )
                }
                group.addTask {
                    try await renewLease(job.id, claim: claim, logger: logger)
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
            return .finished(.succeeded(result))
        } catch let error as PipelineError {
            // A stage may report cancellation as its own failure; shutdown still wins.
            if Task.isCancelled { return .interrupted }
            return .finished(.failed(JobFailure(error)))
        } catch is CancellationError {
            return .interrupted
        } catch is LeaseLost {
            return .interrupted
        } catch {
            if Task.isCancelled { return .interrupted }
            return .finished(.failed(JobFailure(code: PipelineError.Code.internalError.rawValue, message: "\(error)", stage: nil, provider: nil)))
        }
    }

    /// Renews the job's lease every third of its length while the pipeline runs. A failed
    /// renewal (the store briefly unreachable) is retried sooner and does not stop the job: only
    /// a claim that no longer holds (its lease expired and another runner took the job) does
    /// (``LeaseLost``).
    private func renewLease(_ id: String, claim: String, logger: Logger) async throws {
        var wait = settings.lease / 3
        while true {
            try await Task.sleep(for: wait)
            let renewed: Bool
            do {
                renewed = try await store.renewLease(id, claim: claim, lease: settings.lease)
            } catch {
                try Task.checkCancellation()
                logger.warning("cannot renew the job's lease; trying again", metadata: ["error": "\(error)"])
                wait = settings.lease / 10
                continue
            }
            guard renewed else { throw LeaseLost() }
            wait = settings.lease / 3
        }
    }
}

/// The runner's lease on a job expired and another runner claimed it.
struct LeaseLost: Error {}

/// The stage timings of the run in progress, shared between the pipeline and the runner.
actor StageTimingLog {
    private(set) var all: [StageTiming] = []

    func append(_ timing: StageTiming) {
        all.append(timing)
    }

    /// The stage after the last one that finished: where a deadline overrun happened.
    var stageInProgress: PipelineStage {
        let order: [PipelineStage] = [.embed, .retrieve, .keywordBoost, .rerank, .generate, .persist]
        guard let last = all.last?.stage, let index = order.firstIndex(of: last) else { return .embed }
        return order[min(index + 1, order.count - 1)]
    }
}

extension JobFailure {
    init(_ error: PipelineError) {
        self.init(code: error.code.rawValue, message: error.message, stage: error.stage.rawValue, provider: error.provider)
    }
}
