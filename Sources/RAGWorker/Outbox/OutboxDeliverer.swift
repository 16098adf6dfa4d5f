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

        /// How long a claimed (or handed-over) delivery is leased: one attempt and a margin.
        var lease: Duration { attemptTimeout + .seconds(5) }
    }

    let store: any OutboxStore
    let sender: any WebhookSender
    let settings: Settings
    let owner: String
    /// Deliveries the runner passes over as their jobs finish, already leased to `owner`.
    let handOff: OutboxHandOff
    let wake: WakeSignal
    let drain: DrainDeadline
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let logger: Logger

    /// How a child task of the delivery loop ended.
    private enum LoopEvent: Sendable {
        /// A delivery ended; `retryScheduled` when it failed and was scheduled again.
        case delivered(retryScheduled: Bool)
        /// The waiter returned: notified, or its timeout passed.
        case woke(notified: Bool)
    }

    /// Delivers until shutdown, up to `parallelism` at once: a free slot is filled as soon as a
    /// delivery ends or a new one is due, so one slow receiver answer never holds up the others.
    /// On graceful shutdown it goes on with what is due right now, within the drain deadline, then
    /// returns; the rest stays in the store for the next start.
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
                    if inFlight < settings.parallelism, !(stopping.isSet && drainedOut) {
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
                    if stopping.isSet, started == 0, inFlight == 0 || drainedOut { break }
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
                // Deliveries in flight finish (each within its attempt timeout); the waiter ends now.
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
        do {
            return try await store.claimDue(owner: owner, lease: settings.lease, limit: limit, now: Date())
        } catch {
            logger.error("outbox: cannot read due deliveries", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: .seconds(1))
            return nil
        }
    }

    /// True once a drain began and its deadline passed (with a margin for the last writes).
    private var drainedOut: Bool {
        guard let deadline = drain.instant else { return false }
        return ContinuousClock.now >= deadline - .seconds(1)
    }

    private func idleWait() async -> Duration {
        if drain.instant != nil { return .milliseconds(200) }
        guard let due = try? await store.nextDueDate() else { return settings.idlePoll }
        let wait = Duration.milliseconds(Int64(max(0, due.timeIntervalSinceNow) * 1000))
        return min(max(wait, .milliseconds(10)), settings.idlePoll)
    }

    /// One attempt and its record. Returns true when it failed and a retry was scheduled.
    private func deliver(_ message: OutboxMessage) async -> Bool {
        let attempt = message.attempts + 1
        var context = ServiceContext.topLevel
        if let traceparent = W3CTraceparent(traceID: message.traceID) {
            tracer.extract(["traceparent": traceparent.header], into: &context, using: DictionaryExtractor())
        }
        let started = ContinuousClock.now
        let result = await tracer.withSpan(PipelineStage.webhook.spanName, context: context, ofKind: .producer) { span in
            span.attributes[SpanAttributes.jobID] = message.jobID
            span.attributes[SpanAttributes.stage] = PipelineStage.webhook.rawValue
            span.attributes[SpanAttributes.provider] = sender.destination
            span.attributes[SpanAttributes.attempts] = attempt
            let result = await sender.deliver(message, attempt: attempt)
            span.attributes[SpanAttributes.outcome] = result.outcomeName
            if case .delivered(let status) = result { span.attributes[SpanAttributes.httpStatusCode] = status }
            return result
        }
        metrics.stageLatency(.webhook).recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        return await record(result, for: message, attempt: attempt)
    }

    /// Records the attempt's outcome; true when a retry was scheduled.
    private func record(_ result: DeliveryResult, for message: OutboxMessage, attempt: Int) async -> Bool {
        var log = logger
        log[metadataKey: LogKeys.jobID] = "\(message.jobID)"
        log[metadataKey: LogKeys.traceID] = "\(message.traceID)"
        log[metadataKey: "attempt"] = "\(attempt)"
        do {
            switch result {
            case .delivered(let status):
                try await store.markDelivered(message.jobID, attempts: attempt, status: status, now: Date())
                metrics.webhookDeliveries.increment()
                log.debug("webhook delivered", metadata: ["http.status": "\(status)"])
            case .retryable(let status, let error, let retryAfter) where attempt < settings.maxAttempts:
                let delay = settings.backoff.delay(beforeRetry: attempt, retryAfter: retryAfter, ceiling: .seconds(3600))
                try await store.scheduleRetry(message.jobID, attempts: attempt, status: status, error: error, at: Date().addingTimeInterval(delay.seconds))
                metrics.webhookAttemptFailures.increment()
                log.warning("webhook attempt failed; will retry", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                return true
            case .retryable(let status, let error, _):
                try await deadLetter(message, attempt: attempt, status: status, error: error, log: log)
            case .rejected(let status, let error):
                try await deadLetter(message, attempt: attempt, status: status, error: error, log: log)
            }
        } catch {
            // The lease expires and the delivery is tried again; nothing is lost.
            log.error("outbox: cannot record delivery result", metadata: ["error": "\(error)"])
            return true
        }
        return false
    }
}

extension OutboxDeliverer {
    private func deadLetter(_ message: OutboxMessage, attempt: Int, status: Int?, error: String, log: Logger) async throws {
        try await store.deadLetter(message.jobID, attempts: attempt, status: status, error: error, now: Date())
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
