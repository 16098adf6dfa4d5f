import Curl
import CoreMetrics
import Foundation
import Logging
import RAGPipeline
import ServiceLifecycle
import Telemetry
import Tracing

/// Works through accepted jobs with bounded concurrency.
///
/// At start it takes back jobs a crash left `running`, then marks the worker ready. On graceful
/// shutdown it stops claiming, lets running jobs finish until the drain deadline minus a
/// reserve (for the outbox and exporters), then cancels what is left and gives those jobs back
/// to the queue: they run again after the restart, so nothing accepted is lost.
struct JobRunner: Service {
    struct Settings: Sendable {
        var concurrency: Int
        var jobDeadline: Duration
        var lease: Duration
        /// How long an idle worker waits before looking for work again (covers other processes).
        var idlePoll: Duration = .seconds(1)
        /// Part of the drain deadline kept for the outbox and the exporters.
        var shutdownReserve: Duration = .seconds(3)
    }

    let store: any JobStore
    let pipeline: any JobPipeline
    let settings: Settings
    let owner: String
    let jobWake: WakeSignal
    let outboxWake: WakeSignal
    /// Where a finished job's delivery goes straight to the outbox, when it has room.
    let outboxHandOff: OutboxHandOff
    let readiness: Readiness
    let drain: DrainDeadline
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let logger: Logger
    /// Prices each run from the configured price table (`RAG_MODEL_PRICES`).
    var costing = JobCosting()

    func run() async throws {
        let recovered = try await store.recoverInterrupted(now: Date())
        if recovered > 0 {
            logger.notice("resuming jobs interrupted by a previous stop", metadata: ["jobs": "\(recovered)"])
        }
        await updateQueueDepth()
        readiness.markReady()

        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<settings.concurrency {
                    // Below the intake's priority: with both on two cores, an accept should not wait for a job.
                    group.addTask(priority: .low) { await workerLoop(stopping: stopping); return true }
                }
                group.addTask { await waitForDrainDeadline(stopping: stopping); return false }
                var workersLeft = settings.concurrency
                while let isWorker = await group.next() {
                    if isWorker { workersLeft -= 1 }
                    // All workers done, or the deadline passed: cancel whatever still runs.
                    if workersLeft == 0 || !isWorker { group.cancelAll() }
                }
            }
        } onGracefulShutdown: {
            readiness.beginDraining()
            drain.begin()
            stopping.set()
            jobWake.notifyAll()
        }
    }

    private func workerLoop(stopping: StopFlag) async {
        while !stopping.isSet && !Task.isCancelled {
            let job: JobRecord?
            do {
                job = try await store.claimNext(owner: owner, lease: settings.lease, now: Date())
            } catch {
                logger.error("cannot claim a job from the store", metadata: ["error": "\(error)"])
                await jobWake.wait(timeout: settings.idlePoll)
                continue
            }
            guard let job else {
                await jobWake.wait(timeout: settings.idlePoll)
                continue
            }
            await execute(job)
        }
    }

    /// Sleeps until the drain deadline minus the reserve, once a drain began.
    private func waitForDrainDeadline(stopping: StopFlag) async {
        while !stopping.isSet {
            try? await Task.sleep(for: .milliseconds(100))
            if Task.isCancelled { return }
        }
        guard let deadline = drain.instant else { return }
        try? await Task.sleep(until: deadline - settings.shutdownReserve, clock: .continuous)
    }

    private func execute(_ job: JobRecord) async {
        let startedAt = Date()
        metrics.queueWait.recordNanoseconds(Int64(max(0, startedAt.timeIntervalSince(job.acceptedAt)) * 1e9))
        var log = logger
        log[metadataKey: LogKeys.jobID] = "\(job.id)"
        log[metadataKey: LogKeys.traceID] = "\(job.traceID)"

        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": job.traceparent], into: &context, using: DictionaryExtractor())
        let timings = StageTimingLog()
        let usage = JobUsageLog()
        let (runOutcome, accounting) = await tracer.withSpan("rag.job", context: context, ofKind: .consumer) { span in
            span.attributes[SpanAttributes.jobID] = job.id
            span.attributes[SpanAttributes.attempts] = job.attempts
            let outcome = await runPipeline(job, timings: timings, usage: usage, logger: log)
            span.attributes[SpanAttributes.outcome] = outcome.name
            if case .finished(.failed(let failure)) = outcome {
                span.attributes[SpanAttributes.errorCode] = failure.code
                // The failing stage and provider, for the report's failures by cause.
                if let stage = failure.stage { span.attributes[SpanAttributes.stage] = stage }
                if let provider = failure.provider { span.attributes[SpanAttributes.provider] = provider }
                span.setStatus(SpanStatus(code: .error, message: failure.message))
            }
            return (outcome, account(outcome, usage: usage, on: span, logger: log))
        }

        switch runOutcome {
        case .interrupted:
            do {
                try await store.release(job.id, owner: owner)
                log.notice("job interrupted by shutdown; queued again")
            } catch {
                log.error("cannot give an interrupted job back; it resumes at the next start", metadata: ["error": "\(error)"])
            }
        case .finished(let outcome):
            await finish(job, outcome: outcome, stageTimings: await timings.all, accounting: accounting, startedAt: startedAt, logger: log)
        }
        await updateQueueDepth()
    }

    private func finish(
        _ job: JobRecord, outcome: JobOutcome, stageTimings: [StageTiming], accounting: JobAccounting, startedAt: Date, logger: Logger
    ) async {
        let finishedAt = Date()
        let handingOff = outboxHandOff.reserve()
        do {
            let payload = try WebhookPayload(
                job: job, outcome: outcome, stageTimings: stageTimings, cost: accounting.cost, startedAt: startedAt, finishedAt: finishedAt
            ).encoded()
            let leaseUntil = handingOff ? finishedAt.addingTimeInterval(outboxHandOff.lease.seconds) : nil
            switch try await store.finish(job.id, owner: owner, outcome: outcome, payload: payload, now: finishedAt, deliveryLeaseUntil: leaseUntil) {
            case .leaseLost:
                if handingOff { outboxHandOff.cancelReservation() }
                logger.warning("job finished after its lease was lost; another runner owns it now")
                return
            case .finished(deliveryLeased: true):
                outboxHandOff.deliver(OutboxMessage(
                    jobID: job.id, traceID: job.traceID, payload: payload, attempts: 0, state: .pending, createdAt: finishedAt))
            case .finished(deliveryLeased: false):
                if handingOff { outboxHandOff.cancelReservation() }
            }
        } catch {
            if handingOff { outboxHandOff.cancelReservation() }
            // The job stays `running` under our lease; once the lease expires a claim takes it
            // again (either store), or a restart does.
            logger.error("cannot record a finished job", metadata: ["error": "\(error)"])
            return
        }
        metrics.jobLatency.recordNanoseconds(Int64(max(0, finishedAt.timeIntervalSince(job.acceptedAt)) * 1e9))
        metrics.jobCost.record(accounting.cost.totalUSD)
        switch outcome {
        case .succeeded:
            metrics.jobsSucceeded.increment()
            logger.info("job succeeded", metadata: ["duration.ms": "\(Int(finishedAt.timeIntervalSince(job.acceptedAt) * 1000))"])
        case .failed(let failure):
            metrics.jobsFailed.increment()
            logger.warning("job failed", metadata: ["error.code": "\(failure.code)", "stage": "\(failure.stage ?? "-")", "error": "\(failure.message)"])
        }
        outboxWake.notify()
    }

    private func updateQueueDepth() async {
        if let depth = try? await store.backlogDepth() {
            metrics.queueDepth.record(depth)
        }
    }
}
