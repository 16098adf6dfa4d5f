import Curl
import CoreMetrics
import Deadlines
import Foundation
import Logging
import RAGPipeline
import ServiceLifecycle
import Telemetry
import Tracing

/// Works through accepted jobs with bounded concurrency.
///
/// At start it takes back jobs a crash left `running`, then marks the worker ready. On graceful
/// shutdown it stops claiming, lets running jobs finish until the drain's jobs cutoff
/// (``DrainBudget``), then cancels what is left and gives those jobs back to the queue at once:
/// they run again on another instance or after the restart, so nothing accepted is lost.
struct JobRunner: Service {
    struct Settings: Sendable {
        var concurrency: Int
        /// The promise, counted from acceptance: the webhook has the job's result this long after
        /// the job was accepted. Queue wait, earlier runs, the stages and the first webhook
        /// attempt share it (``JobDeadline``).
        var jobDeadline: Duration
        /// Of the job's deadline, what is kept after the pipeline for the first webhook attempt.
        var deliveryReserve: Duration
        var lease: Duration
        /// How long an idle worker waits before looking for work again (covers other processes).
        var idlePoll: Duration = .seconds(1)
        /// Longest time a bookkeeping write (finish, release) may take outside a drain.
        var writeLimit: Duration = .seconds(30)
    }

    let store: any JobStore
    let pipeline: any JobPipeline
    let settings: Settings
    /// Names this process in claim tokens.
    let owner: String
    let jobWake: WakeSignal
    let outboxWake: WakeSignal
    /// Where a finished job's delivery goes straight to the outbox, when it has room.
    let outboxHandOff: OutboxHandOff
    let readiness: Readiness
    let drain: DrainBudget
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let logger: Logger
    /// Prices each run from the configured price table (`RAG_MODEL_PRICES`).
    var costing = JobCosting()
    /// Each job's capture of prompts and replies (and the screen of its text at the exporters).
    var contentCapture: ContentCapture = .screening(ContentScreen())
    /// Counts a failed job for the delivery SLO once it is recorded (it is final then).
    var slo: DeliverySLOCounter? = nil
    /// Counts a succeeded job for the quality SLO once its finish is recorded; nil when the SLO
    /// file has no active quality objective.
    var qualitySLO: QualitySLOCounter? = nil

    func run() async throws {
        let recovered = try await store.recoverInterrupted()
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
                group.addTask { await drain.wait(until: \.jobsCutoff); return false }
                var workersLeft = settings.concurrency
                while let isWorker = await group.next() {
                    if isWorker { workersLeft -= 1 }
                    // All workers done, or the jobs cutoff passed: cancel whatever still runs.
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
                job = try await store.claimNext(owner: owner, lease: settings.lease)
            } catch {
                logger.error("cannot claim a job from the store", metadata: ["error": "\(error)"])
                await jobWake.wait(timeout: settings.idlePoll)
                continue
            }
            guard let job, let claim = job.claim else {
                await jobWake.wait(timeout: settings.idlePoll)
                continue
            }
            await execute(job, claim: claim)
        }
    }

    private func execute(_ job: JobRecord, claim: String) async {
        let startedAt = Date()
        metrics.queueWait.recordNanoseconds(Int64(max(0, startedAt.timeIntervalSince(job.acceptedAt)) * 1e9))
        var log = logger
        log[metadataKey: LogKeys.jobID] = "\(job.id)"
        log[metadataKey: LogKeys.traceID] = "\(job.traceID)"

        var context = ServiceContext.topLevel
        tracer.extract(["traceparent": job.traceparent], into: &context, using: DictionaryExtractor())
        let timings = StageTimingLog()
        let usage = JobUsageLog()
        let capture = contentCapture.begin(jobID: job.id, traceID: job.traceID, texts: job.request.contentTexts)
        let (runOutcome, accounting) = await tracer.withSpan("rag.job", context: context, ofKind: .consumer) { span in
            span.attributes[SpanAttributes.jobID] = job.id
            span.attributes[SpanAttributes.attempts] = job.attempts
            if capture.isCapturing {
                // A reference, never the text: where `postmortem --content` finds this run's prompts and replies.
                span.attributes[SpanAttributes.captureStore] = capture.mode.storeName
                if let uri = capture.uri { span.attributes[SpanAttributes.captureURI] = uri }
            }
            let outcome = await runPipeline(job, claim: claim, timings: timings, usage: usage, capture: capture, logger: log)
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

        capture.finish()
        switch runOutcome {
        case .interrupted:
            await release(job, claim: claim, logger: log)
        case .finished(let outcome):
            await finish(
                job, claim: claim, outcome: outcome, stageTimings: await timings.all, accounting: accounting, startedAt: startedAt, logger: log)
        }
        await updateQueueDepth()
    }

    /// Gives an interrupted job back to the queue at once. Runs outside this (cancelled) task:
    /// a store may refuse work in a cancelled task, and the job would then wait for its lease.
    private func release(_ job: JobRecord, claim: String, logger: Logger) async {
        do {
            let released = try await runUncancelled(timeLimit: drain.writeLimit(normal: settings.writeLimit)) { [store] in
                try await store.release(job.id, claim: claim)
            }
            if released {
                logger.notice("job interrupted by shutdown; queued again")
            } else {
                logger.warning("job interrupted after its lease was lost; another runner owns it now")
            }
        } catch {
            logger.error("cannot give an interrupted job back; it is claimed again once its lease expires", metadata: ["error": "\(error)"])
        }
    }

    /// Records the outcome and the delivery in one write, outside this task for the same reason
    /// as ``release(_:claim:logger:)``: a job that finished just as shutdown cancelled it must
    /// not run a second time.
    private func finish(
        _ job: JobRecord, claim: String, outcome: JobOutcome, stageTimings: [StageTiming], accounting: JobAccounting, startedAt: Date,
        logger: Logger
    ) async {
        let finishedAt = Date()
        let handingOff = outboxHandOff.reserve()
        let leaseLimit = ContinuousClock.now + outboxHandOff.lease
        do {
            let payload = try WebhookPayload(
                job: job, outcome: outcome, stageTimings: stageTimings, cost: accounting.cost, startedAt: startedAt, finishedAt: finishedAt
            ).encoded()
            let deliveryLease = handingOff ? outboxHandOff.lease : nil
            let result = try await runUncancelled(timeLimit: drain.writeLimit(normal: settings.writeLimit)) { [store] in
                try await store.finish(job.id, claim: claim, outcome: outcome, payload: payload, now: finishedAt, deliveryLease: deliveryLease)
            }
            switch result {
            case .leaseLost:
                if handingOff { outboxHandOff.cancelReservation() }
                logger.warning("job finished after its lease was lost; another runner owns it now")
                return
            case .finished(deliveryClaim: let deliveryClaim?):
                outboxHandOff.deliver(OutboxMessage(
                    jobID: job.id, traceID: job.traceID, payload: payload, attempts: 0, state: .pending, createdAt: finishedAt,
                    acceptedAt: job.acceptedAt, traceparent: job.traceparent, claim: deliveryClaim, leaseEnds: leaseLimit))
            case .finished(deliveryClaim: nil):
                if handingOff { outboxHandOff.cancelReservation() }
            }
        } catch {
            if handingOff { outboxHandOff.cancelReservation() }
            // The job stays `running` under our claim; once the lease expires a claim takes it
            // again (either store), or a restart does.
            logger.error("cannot record a finished job", metadata: ["error": "\(error)"])
            return
        }
        metrics.jobCost.record(accounting.cost.totalUSD)
        switch outcome {
        case .succeeded:
            metrics.jobsSucceeded.increment()
            qualitySLO?.record(accounting.quality, jobID: job.id, traceID: job.traceID)
            logger.info("job succeeded", metadata: ["duration.ms": "\(Int(finishedAt.timeIntervalSince(job.acceptedAt) * 1000))"])
        case .failed(let failure):
            metrics.jobsFailed.increment()
            logger.warning("job failed", metadata: ["error.code": "\(failure.code)", "stage": "\(failure.stage ?? "-")", "error": "\(failure.message)"])
        }
        outboxWake.notify()
        if case .failed = outcome { await slo?.countIfFinal(job.id) }
    }

    private func updateQueueDepth() async {
        if let depth = try? await store.backlogDepth() {
            metrics.queueDepth.record(depth)
        }
    }
}
