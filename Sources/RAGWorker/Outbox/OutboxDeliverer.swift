import CoreMetrics
import Curl
import Deadlines
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import Tracing

/// Delivers finished jobs' webhooks from the outbox: at least once per job, every attempt with
/// the job id as idempotency key, retried with exponential backoff and jitter (honouring
/// `Retry-After`) on connection errors, timeouts, 408, 429 and 5xx, dead-lettered after the last
/// attempt or at once on any other 4xx. Deliveries live in the store, so they survive restarts.
///
/// One attempt at a time per delivery: an attempt starts only under a lease that outlasts it
/// (taken by the claim, or extended right before the attempt when the delivery waited for a
/// slot), and every write about it names the delivery's claim token, so a stale attempt can
/// neither run beside a newer one nor record its result. An attempt still in flight at the
/// drain's deliveries cutoff is cancelled, released and not counted (``DrainBudget``).
struct OutboxDeliverer: Service {
    struct Settings: Sendable {
        var maxAttempts: Int
        var backoff: Backoff
        /// Time limit of one attempt; the claim lease outlasts it.
        var attemptTimeout: Duration
        /// Deliveries sent at once.
        var parallelism: Int = 8
        /// Longest wait when nothing is due (other processes may add deliveries).
        var idlePoll: Duration = .seconds(2)
        /// What a lease holds beyond one attempt: time to record the result.
        var leaseMargin: Duration = .seconds(5)
        /// Longest time a result write may take outside a drain.
        var writeLimit: Duration = .seconds(30)

        /// How long a claimed (or handed-over) delivery is leased: one attempt and a margin.
        var lease: Duration { attemptTimeout + leaseMargin }

        /// An attempt starts only while this much of its lease is left; otherwise it extends the lease first.
        var leaseNeededForAttempt: Duration { attemptTimeout + min(.seconds(1), leaseMargin / 2) }
    }

    let store: any OutboxStore
    let sender: any WebhookSender
    let settings: Settings
    let owner: String
    /// Deliveries the runner passes over as their jobs finish, already leased to `owner`.
    let handOff: OutboxHandOff
    let wake: WakeSignal
    let drain: DrainBudget
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let logger: Logger
    /// Counts a job for the delivery SLO once its delivery succeeded or was dead-lettered.
    var slo: DeliverySLOCounter? = nil

    /// How a child task of the delivery loop ended.
    private enum LoopEvent: Sendable {
        /// A delivery ended; `retryScheduled` when it failed and was scheduled again.
        case delivered(retryScheduled: Bool)
        /// The waiter returned: notified, or its timeout passed.
        case woke(notified: Bool)
    }

    /// Delivers until shutdown, up to `parallelism` at once: a free slot is filled as soon as a
    /// delivery ends or a new one is due, so one slow receiver answer never holds up the others.
    /// On graceful shutdown it goes on with what is due right now until the drain's deliveries
    /// cutoff, then returns; the rest stays in the store for the next start.
    ///
    /// Handed-over deliveries (``OutboxHandOff``) start without a query. The store is asked for
    /// due deliveries only when it may hold some: at start, when the waiter's timeout passes
    /// (it is the next due time, at least 10 ms away, so a delivery left in the store for want of
    /// a hand-off place is claimed that soon), while the last claim came back full, after a failed
    /// query, and during a drain. A claim is a round trip to the store's writer, queued behind
    /// other jobs' commits.
    func run() async throws {
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: LoopEvent.self) { group in
                var inFlight = 0
                var waiting = false
                var storeMayHaveDue = true
                loop: while !Task.isCancelled {
                    var started = 0
                    if inFlight < settings.parallelism, !drain.deliveriesClosed {
                        // Handed-over deliveries start first: they need no query.
                        for message in handOff.take(limit: settings.parallelism - inFlight) {
                            group.addTask { .delivered(retryScheduled: await deliver(message)) }
                            started += 1
                            inFlight += 1
                        }
                        if inFlight < settings.parallelism, storeMayHaveDue || stopping.isSet {
                            let limit = settings.parallelism - inFlight
                            let due = await claimDue(limit: limit)
                            for message in due ?? [] {
                                group.addTask { .delivered(retryScheduled: await deliver(message)) }
                                started += 1
                                inFlight += 1
                            }
                            // A full batch may have left more behind; a failed query is tried again.
                            storeMayHaveDue = due.map { $0.count == limit } ?? true
                        }
                    }
                    if stopping.isSet, started == 0, inFlight == 0 || drain.deliveriesClosed { break }
                    // Full, or nothing due: wait for a delivery to end, a wake-up or the next due time.
                    if started == 0 || inFlight == settings.parallelism {
                        if !waiting {
                            let wait = await idleWait()
                            group.addTask { .woke(notified: await wake.wait(timeout: wait)) }
                            waiting = true
                        }
                        switch await group.next() {
                        case nil:
                            break loop
                        case .delivered(let retryScheduled)?:
                            inFlight -= 1
                            // The retry may be due sooner than the waiter's timeout: end that
                            // wait, the next one is computed afresh.
                            if retryScheduled { wake.notify() }
                        case .woke(let notified)?:
                            waiting = false
                            if !notified { storeMayHaveDue = true }
                        }
                    }
                }
                // Deliveries in flight end by the deliveries cutoff at the latest; the waiter ends now.
                wake.notifyAll()
            }
        } onGracefulShutdown: {
            drain.begin()
            stopping.set()
            wake.notifyAll()
        }
    }

    /// One pass: delivers what was handed over and what is due. Returns how many deliveries were attempted.
    @discardableResult
    func deliverDueBatch() async -> Int {
        var messages = handOff.take(limit: settings.parallelism)
        messages += await claimDue(limit: settings.parallelism - messages.count) ?? []
        await withTaskGroup(of: Void.self) { group in
            for message in messages {
                group.addTask { _ = await deliver(message) }
            }
        }
        return messages.count
    }

    /// Up to `limit` due deliveries, leased to this process; nil when the store fails (logged,
    /// after a pause so a broken store is not polled in a tight loop).
    private func claimDue(limit: Int) async -> [OutboxMessage]? {
        guard limit > 0 else { return [] }
        let leaseEnds = ContinuousClock.now + settings.lease
        do {
            return try await store.claimDue(owner: owner, lease: settings.lease, limit: limit).map { message in
                var message = message
                message.leaseEnds = leaseEnds
                return message
            }
        } catch {
            logger.error("outbox: cannot read due deliveries", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return nil
        }
    }

    private func idleWait() async -> Duration {
        if drain.end != nil { return .milliseconds(200) }
        guard let due = try? await store.nextDueIn() else { return settings.idlePoll }
        return min(max(due, .milliseconds(10)), settings.idlePoll)
    }

    /// How one attempt ended.
    private enum AttemptEnd: Sendable {
        case answered(DeliveryResult)
        /// Cancelled by the drain's deliveries cutoff (or the task's cancellation).
        case cutOff
    }

    /// One attempt and its record. Returns true when it failed and a retry was scheduled.
    private func deliver(_ message: OutboxMessage) async -> Bool {
        var log = logger
        log[metadataKey: LogKeys.jobID] = "\(message.jobID)"
        log[metadataKey: LogKeys.traceID] = "\(message.traceID)"
        guard let claim = message.claim, await holdLease(for: message, claim: claim, log: log) else { return false }
        let attempt = message.attempts + 1
        log[metadataKey: "attempt"] = "\(attempt)"
        // Each attempt is a client span, a child of the job's root span (the delivery outlives
        // the run), so a trace shows every attempt under the job.
        var context = ServiceContext.topLevel
        if let traceparent = message.traceparent.flatMap(W3CTraceparent.init(header:)) ?? W3CTraceparent(traceID: message.traceID) {
            tracer.extract(["traceparent": traceparent.header], into: &context, using: DictionaryExtractor())
        }
        let started = ContinuousClock.now
        let end = await tracer.withSpan(PipelineStage.webhook.spanName, context: context, ofKind: .client) { span in
            span.attributes[SpanAttributes.jobID] = message.jobID
            span.attributes[SpanAttributes.stage] = PipelineStage.webhook.rawValue
            span.attributes[SpanAttributes.provider] = sender.destination
            span.attributes[SpanAttributes.attempts] = attempt
            var outgoing = message
            var carrier: [String: String] = [:]
            tracer.inject(span.context, into: &carrier, using: DictionaryInjector())
            outgoing.traceparent = carrier["traceparent"]
            let end = await attemptUntilCutoff(outgoing, attempt: attempt)
            switch end {
            case .answered(let result):
                span.attributes[SpanAttributes.outcome] = result.outcomeName
                if case .delivered(let status) = result { span.attributes[SpanAttributes.httpStatusCode] = status }
            case .cutOff:
                span.attributes[SpanAttributes.outcome] = "interrupted"
            }
            return end
        }
        guard case .answered(let result) = end else {
            await releaseCutOff(message, claim: claim, log: log)
            return false
        }
        metrics.stageLatency(.webhook).recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        return await record(result, for: message, claim: claim, attempt: attempt, log: log)
    }

    /// Makes sure the delivery's lease outlasts the attempt about to start: a delivery that
    /// waited for a slot (handed over, or claimed long ago) has its lease extended first. False
    /// when the claim no longer holds (another deliverer took the delivery after the lease
    /// ended) or the store cannot say: then this attempt must not start.
    private func holdLease(for message: OutboxMessage, claim: String, log: Logger) async -> Bool {
        if let leaseEnds = message.leaseEnds, leaseEnds - .now >= settings.leaseNeededForAttempt { return true }
        do {
            if try await store.extendDeliveryLease(message.jobID, claim: claim, lease: settings.lease) { return true }
            log.notice("delivery taken over by another deliverer while it waited for a slot; not sent from here")
        } catch {
            log.warning("outbox: cannot extend a delivery's lease; it is sent once the lease expires", metadata: ["error": "\(error)"])
        }
        return false
    }

    /// Sends the attempt, cancelled at the drain's deliveries cutoff if it is still in flight then.
    private func attemptUntilCutoff(_ message: OutboxMessage, attempt: Int) async -> AttemptEnd {
        await withTaskGroup(of: AttemptEnd?.self) { group in
            group.addTask { .answered(await sender.deliver(message, attempt: attempt)) }
            group.addTask {
                await drain.wait(until: \.deliveriesCutoff)
                return Task.isCancelled ? nil : .cutOff
            }
            var end: AttemptEnd = .cutOff
            while let next = await group.next() {
                guard let next else { continue }
                end = next
                break
            }
            group.cancelAll()
            // The task itself was cancelled (the service group gave up waiting): the answer, if
            // any, is a cancelled transfer.
            if Task.isCancelled { return .cutOff }
            return end
        }
    }

    /// An attempt cut short by shutdown is no attempt: the delivery is given back uncounted,
    /// due at once for whichever instance delivers next.
    private func releaseCutOff(_ message: OutboxMessage, claim: String, log: Logger) async {
        do {
            _ = try await runUncancelled(timeLimit: drain.writeLimit(normal: settings.writeLimit)) { [store] in
                try await store.releaseDelivery(message.jobID, claim: claim)
            }
            log.notice("webhook attempt cut short by shutdown; the delivery is released, not counted")
        } catch {
            log.warning("webhook attempt cut short by shutdown; it is sent again once its lease expires", metadata: ["error": "\(error)"])
        }
    }

    /// Records the attempt's outcome under the delivery's claim; true when a retry was scheduled.
    /// The write runs outside this task, so shutdown's cancellation cannot lose it.
    private func record(_ result: DeliveryResult, for message: OutboxMessage, claim: String, attempt: Int, log: Logger) async -> Bool {
        let limit = drain.writeLimit(normal: settings.writeLimit)
        do {
            switch result {
            case .delivered(let status):
                let recorded = try await runUncancelled(timeLimit: limit) { [store] in
                    try await store.markDelivered(message.jobID, claim: claim, attempts: attempt, status: status, now: Date())
                }
                guard recorded else { return claimLost(log) }
                await slo?.countIfFinal(message.jobID)
                metrics.webhookDeliveries.increment()
                if let acceptedAt = message.acceptedAt {
                    // The promise's measure: acceptance to the receiver's 2xx.
                    metrics.jobLatency.recordNanoseconds(Int64(max(0, Date().timeIntervalSince(acceptedAt)) * 1e9))
                }
                log.debug("webhook delivered", metadata: ["http.status": "\(status)"])
            case .retryable(let status, let error, let retryAfter) where attempt < settings.maxAttempts:
                let delay = settings.backoff.delay(beforeRetry: attempt, retryAfter: retryAfter, ceiling: .seconds(3600))
                let recorded = try await runUncancelled(timeLimit: limit) { [store] in
                    try await store.scheduleRetry(message.jobID, claim: claim, attempts: attempt, status: status, error: error, after: delay)
                }
                guard recorded else { return claimLost(log) }
                metrics.webhookAttemptFailures.increment()
                log.warning("webhook attempt failed; will retry", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                return true
            case .retryable(let status, let error, _):
                try await deadLetter(message, claim: claim, attempt: attempt, status: status, error: error, limit: limit, log: log)
            case .rejected(let status, let error):
                try await deadLetter(message, claim: claim, attempt: attempt, status: status, error: error, limit: limit, log: log)
            }
        } catch {
            // The lease expires and the delivery is tried again; nothing is lost.
            log.error("outbox: cannot record delivery result", metadata: ["error": "\(error)"])
            return true
        }
        return false
    }

    private func claimLost(_ log: Logger) -> Bool {
        log.warning("webhook attempt ended after its delivery's lease was lost; another deliverer owns it, result not recorded")
        return false
    }
}

extension OutboxDeliverer {
    private func deadLetter(
        _ message: OutboxMessage, claim: String, attempt: Int, status: Int?, error: String, limit: Duration, log: Logger
    ) async throws {
        let recorded = try await runUncancelled(timeLimit: limit) { [store] in
            try await store.deadLetter(message.jobID, claim: claim, attempts: attempt, status: status, error: error, now: Date())
        }
        guard recorded else {
            _ = claimLost(log)
            return
        }
        await slo?.countIfFinal(message.jobID)
        metrics.webhookFailures.increment()
        log.error("webhook delivery dead-lettered; redeliver with `rag-worker outbox retry`", metadata: ["error": "\(error)"])
    }
}

extension DeliveryResult {
    var outcomeName: String {
        switch self {
        case .delivered: "delivered"
        case .retryable: "retry"
        case .rejected: "rejected"
        }
    }
}
