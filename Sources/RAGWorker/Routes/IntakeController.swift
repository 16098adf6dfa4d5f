import CoreMetrics
import Curl
import Deadlines
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RAGPipeline
import Telemetry
import Tracing

/// `POST /invocations` and `GET /jobs/{id}`: validate, accept durably, answer at once.
///
/// The request path does no provider work: it parses, validates, commits the job and wakes a
/// runner, so it answers in milliseconds, well inside SageMaker's 60 s invocation limit.
struct IntakeController: Sendable {
    let store: any JobStore
    let readiness: Readiness
    /// Refuses at once while the store is known to be unreachable.
    let storeHealth: StoreHealth
    /// The longest wait for the store to commit an accept; past it the caller gets 503.
    let acceptTimeLimit: Duration
    let jobWake: WakeSignal
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let maxBodyBytes: Int
    /// `RAG_MAX_BACKLOG`: queued plus running jobs per live instance (``backlogLimit``).
    let maxBacklog: Int
    /// The live instances sharing the store; nil for a worker alone on its store.
    var fleet: FleetView? = nil
    /// `Retry-After` for 429 answers.
    let backlogRetryAfterSeconds: Int
    /// The intake availability SLO's counters; nil counts nothing.
    var slo: SLOMetrics? = nil

    /// Answers a `POST /invocations` and counts the answer for the intake SLO: a 2xx is good; a
    /// 5xx and the worker's own 503 and backlog 429 are bad; a client's 4xx counts in neither.
    func invoke(_ request: Request, context: some RequestContext) async throws -> Response {
        do {
            let response = try await accept(request, context: context)
            slo?.recordIntake(good: true, cause: nil)
            return response
        } catch let error as APIError {
            if let cause = Self.workerCause(of: error) { slo?.recordIntake(good: false, cause: cause) }
            throw error
        } catch {
            slo?.recordIntake(good: false, cause: "internal_error")
            throw error
        }
    }

    /// The cause an answer is counted under when the worker, not the client, made it fail; nil
    /// for a client's 4xx.
    static func workerCause(of error: APIError) -> String? {
        if error.status.code >= 500 || error.code == APIError.backlogFullCode { return error.code }
        return nil
    }

    private func accept(_ request: Request, context: some RequestContext) async throws -> Response {
        guard readiness.current == .ready else {
            metrics.jobsRejected.increment()
            throw readiness.current == .draining
                ? APIError.unavailable("the worker is shutting down; retry on another instance")
                : APIError.unavailable("the worker is starting")
        }
        // A missing type is refused too: a browser sends a POST without Content-Type (or with
        // text/plain) cross-site without a preflight, with any Basic credentials it cached.
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            throw APIError.unsupportedMediaType(request.headers[.contentType])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError.tooLarge(limit: maxBodyBytes)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError.tooLarge(limit: maxBodyBytes)
        }
        let newJob = try validate(body, traceparent: request.headers[.traceparent] ?? Self.traceparent(customAttributes: request.headers[.sageMakerCustomAttributes]))
        guard storeHealth.isReachable else {
            metrics.jobsRejected.increment()
            throw APIError.unavailable("the job store is unreachable; the job was not accepted")
        }

        let outcome: AcceptOutcome
        do {
            // The accept may wait on a store that went down since the last probe: answer within
            // the limit anyway. An accept abandoned here that still commits is found by the
            // caller's retry (the same job_id answers 200 with the job).
            outcome = try await withAbandoningTimeLimit(acceptTimeLimit) { [store, backlogLimit] in
                try await store.accept(newJob, maxBacklog: backlogLimit, now: Date())
            }
        } catch {
            if storeHealth.markUnreachable("\(error)") {
                context.logger.error("the job store does not answer; refusing jobs until it does", metadata: ["error": "\(error)"])
            }
            context.logger.error("cannot store an accepted job", metadata: ["job.id": "\(newJob.request.jobID)", "error": "\(error)"])
            metrics.jobsRejected.increment()
            throw APIError.unavailable("the job store is unavailable; the job was not accepted")
        }
        switch outcome {
        case .accepted(let job):
            metrics.jobsAccepted.increment()
            jobWake.notify()
            context.logger.debug("job accepted", metadata: [LogKeys.jobID: "\(job.id)", LogKeys.traceID: "\(job.traceID)"])
            return try .json(
                AcceptView(jobID: job.id, status: job.state.rawValue, traceID: job.traceID),
                status: .accepted, headers: [.location: "/jobs/\(Self.pathComponent(job.id))"]
            )
        case .existing(let job):
            return try .json(
                AcceptView(jobID: job.id, status: job.state.rawValue, traceID: job.traceID),
                headers: [.location: "/jobs/\(Self.pathComponent(job.id))"]
            )
        case .backlogFull(let depth):
            metrics.jobsRejected.increment()
            throw APIError.backlogFull(depth: depth, retryAfterSeconds: backlogRetryAfterSeconds)
        }
    }

    /// The limit the store's backlog is held to: `RAG_MAX_BACKLOG` per live instance, because on
    /// a shared store the count is the fleet's, and a fleet of four holds four instances' work.
    var backlogLimit: Int {
        let (limit, overflow) = maxBacklog.multipliedReportingOverflow(by: max(1, fleet?.liveInstances ?? 1))
        return overflow ? Int.max : limit
    }

    func job(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = Self.jobID(fromPathSegment: try context.parameters.require("id"))
        guard let job = try await store.job(id: id) else { throw APIError.notFound("job \(id.prefix(128))") }
        return try .json(JobView(job))
    }

    /// The job id a `/jobs/{id}` path segment names: percent-decoded (as the `Location` of a
    /// 202 encodes it) and NFC-normalised (as intake stores ids). A segment that is not valid
    /// percent-encoding is taken as it is.
    static func jobID(fromPathSegment segment: String) -> String {
        (segment.removingPercentEncoding ?? segment).precomposedStringWithCanonicalMapping
    }

    /// Parses and validates inside the `rag.validate` span, whose trace becomes the job's trace.
    ///
    /// Every job gets a trace of its own: a caller's `traceparent` is recorded as a link of the
    /// `rag.validate` span, never adopted, so two jobs posted with the same header (by mistake or
    /// on purpose) never share a trace and `postmortem --job <trace id>` shows one job.
    private func validate(_ body: ByteBuffer, traceparent incoming: String?) throws -> NewJob {
        var caller: ServiceContext?
        if let incoming, W3CTraceparent(header: incoming) != nil {
            var context = ServiceContext.topLevel
            tracer.extract(["traceparent": incoming], into: &context, using: DictionaryExtractor())
            caller = context
        }
        let started = ContinuousClock.now
        return try tracer.withSpan(PipelineStage.validate.spanName, context: .topLevel, ofKind: .server) { span in
            if let caller { span.addLink(SpanLink(context: caller, attributes: [:])) }
            let request: JobRequest
            switch JobRequest.decode(from: body.readableBytesView) {
            case .success(let decoded):
                request = decoded
            case .failure(.malformed(let message)):
                span.attributes[SpanAttributes.outcome] = "malformed"
                throw APIError.malformedJSON(message)
            case .failure(.invalid(let problems)):
                span.attributes[SpanAttributes.outcome] = "invalid"
                throw APIError.invalidFields(problems)
            }
            span.attributes[SpanAttributes.jobID] = request.jobID
            span.attributes[SpanAttributes.outcome] = "accepted"
            let trace = currentTraceparent(span: span) ?? W3CTraceparent(traceID: W3CTraceparent.newTraceID())!
            let elapsed = ContinuousClock.now - started
            metrics.stageLatency(.validate).recordNanoseconds(elapsed.nanoseconds)
            return NewJob(
                request: request, body: Data(body.readableBytesView), traceID: trace.traceID, traceparent: trace.header,
                validationMilliseconds: (elapsed.seconds * 1000 * 1000).rounded() / 1000
            )
        }
    }

    /// The traceparent of `span` as the tracer propagates it (nil with a no-op tracer).
    private func currentTraceparent(span: any Span) -> W3CTraceparent? {
        var carrier: [String: String] = [:]
        tracer.inject(span.context, into: &carrier, using: DictionaryInjector())
        return carrier["traceparent"].flatMap(W3CTraceparent.init(header:))
    }

    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// A `traceparent=<value>` entry of SageMaker's custom attributes (entries separated by `,` or
    /// `;`): InvokeEndpoint drops a `traceparent` header, so a caller passes its trace this way.
    static func traceparent(customAttributes: String?) -> String? {
        guard let customAttributes else { return nil }
        for entry in customAttributes.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let pair = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "traceparent" { return pair[1] }
        }
        return nil
    }

    static func pathComponent(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}

extension HTTPField.Name {
    static let traceparent = HTTPField.Name("traceparent")!
    /// The one caller-defined header InvokeEndpoint forwards to the container (≤ 1,024 visible ASCII characters).
    static let sageMakerCustomAttributes = HTTPField.Name("X-Amzn-SageMaker-Custom-Attributes")!
}
