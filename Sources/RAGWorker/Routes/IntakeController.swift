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
    let jobWake: WakeSignal
    let metrics: WorkerMetrics
    let tracer: any Tracer
    let maxBodyBytes: Int
    let maxBacklog: Int
    /// `Retry-After` for 429 answers.
    let backlogRetryAfterSeconds: Int

    func invoke(_ request: Request, context: some RequestContext) async throws -> Response {
        guard readiness.current == .ready else {
            metrics.jobsRejected.increment()
            throw readiness.current == .draining
                ? APIError.unavailable("the worker is shutting down; retry on another instance")
                : APIError.unavailable("the worker is starting")
        }
        if let contentType = request.headers[.contentType], !Self.isJSON(contentType) {
            throw APIError.unsupportedMediaType(contentType)
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
        let newJob = try validate(body, traceparent: request.headers[.traceparent])

        let outcome: AcceptOutcome
        do {
            outcome = try await store.accept(newJob, maxBacklog: maxBacklog, now: Date())
        } catch {
            context.logger.error("cannot store an accepted job", metadata: ["job.id": "\(newJob.request.jobID)", "error": "\(error)"])
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

    func job(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let job = try await store.job(id: id) else { throw APIError.notFound("job \(id.prefix(128))") }
        return try .json(JobView(job))
    }

    /// Parses and validates inside the `rag.validate` span, whose trace becomes the job's trace.
    private func validate(_ body: ByteBuffer, traceparent incoming: String?) throws -> NewJob {
        var context = ServiceContext.topLevel
        if let incoming, W3CTraceparent(header: incoming) != nil {
            tracer.extract(["traceparent": incoming], into: &context, using: DictionaryExtractor())
        }
        let started = ContinuousClock.now
        return try tracer.withSpan(PipelineStage.validate.spanName, context: context, ofKind: .server) { span in
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

    static func pathComponent(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}

extension HTTPField.Name {
    static let traceparent = HTTPField.Name("traceparent")!
}
