import Curl
import Foundation
import Logging
import Tracing

/// Sends finished spans to an OTLP/HTTP endpoint (a collector, a vendor, or CloudWatch's
/// `xray` endpoint): the batch span processor and the exporter in one.
///
/// Callers only enqueue (``submit(_:)``): spans go through the sampler into a bounded queue that
/// drops the oldest when full (counted in `TelemetryDropped`). The ``ExporterCore`` loop sends
/// every ``OTLPConfiguration/scheduleDelay`` or as soon as ``OTLPConfiguration/maxExportBatchSize``
/// spans wait, and once more at graceful shutdown within the drain budget. A flush encodes each
/// span once (protobuf or JSON), leaves out those the endpoint would refuse (over 200 KB, older
/// than 14 days or more than 2 hours ahead; counted), packs the rest into requests within
/// ``OTLPLimits``, gzips them, and retries 429 and 5xx with backoff honouring `Retry-After`;
/// while the endpoint stays unreachable the spans go back to the front of the queue.
///
/// [OTLP/HTTP](https://opentelemetry.io/docs/specs/otlp/#otlphttp)
public final class OTLPSpanExporter<C: Clock>: QueuedExporter where C.Duration == Duration {
    let configuration: OTLPConfiguration
    let limits: OTLPLimits
    private let sink: any OTLPTraceSink
    let encoder: OTLPEncoder
    private let sampler: OTLPTraceSampler?
    private let headers: HTTPHeaders
    /// The configured header values, so an endpoint echoing them never gets them into a log line.
    private let secrets: SecretDetector
    private let logger: Logger
    let core: ExporterCore<C, SpanRecord>

    /// - Parameters:
    ///   - resource: the resource attributes (``OTLPResource/attributes(_:)``).
    ///   - omittedAttributes: attribute names that never leave the process.
    ///   - logger: must not feed this exporter (use one that writes to stdout and the ring buffer).
    ///   - onDrop: called with each number of spans dropped, to count `TelemetryDropped`.
    init(configuration: OTLPConfiguration, resource: [(key: String, value: TelemetryValue)], sink: any OTLPTraceSink,
         shutdownTimeout: Duration, shutdownDeadline: ShutdownDeadline, limits: OTLPLimits = .cloudWatch,
         omittedAttributes: Set<String> = [], clock: C, logger: Logger, onDrop: @escaping @Sendable (Int) -> Void) {
        self.configuration = configuration
        self.limits = limits
        self.sink = sink
        self.logger = logger
        self.encoder = OTLPEncoder(encoding: configuration.encoding,
                                   limits: OTLPAttributeLimits(configuration, omitted: omittedAttributes), resource: resource)
        self.sampler = configuration.sampler.keepsEverything ? nil : OTLPTraceSampler(configuration.sampler)
        var headers: HTTPHeaders = ["Content-Type": configuration.encoding.contentType]
        if configuration.compression == .gzip { headers.add(name: "Content-Encoding", value: "gzip") }
        for (name, value) in configuration.headers { headers.add(name: name, value: value) }
        self.headers = headers
        self.secrets = SecretDetector(secrets: configuration.headers.map(\.value))
        self.core = ExporterCore(.init(
            name: "OTLP traces (\(sink.destination))", keptItems: "spans", callItems: "spans",
            queueCapacity: configuration.queueCapacity, flushInterval: configuration.scheduleDelay,
            threshold: min(configuration.maxExportBatchSize, configuration.queueCapacity), maxAttempts: 3,
            backoff: Backoff(base: .milliseconds(500), maximum: .seconds(30)), shutdownTimeout: shutdownTimeout,
            shutdownDeadline: shutdownDeadline
        ), clock: clock, logger: logger, onDrop: onDrop, classify: Self.classify)
    }

    /// Spans the sampler keeps wait in the queue; logs and metrics are ignored. Never blocks
    /// beyond a short lock.
    public func submit(_ record: TelemetryRecord) {
        guard case .span(let span) = record else { return }
        guard let sampler else {
            core.queue.push(span)
            return
        }
        for kept in sampler.admit(span) { core.queue.push(kept) }
    }

    /// Sends what is queued now; false when the endpoint stayed unreachable.
    func flushQueued() async -> Bool {
        let spans = core.queue.drain()
        guard !spans.isEmpty else { return true }
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        let maxAge = UInt64(limits.maxAge.components.seconds) * 1_000_000_000
        let maxFuture = UInt64(limits.maxFuture.components.seconds) * 1_000_000_000
        var kept: [SpanRecord] = []
        var encoded: [[UInt8]] = []
        var items: [OTLPBatcher.Item] = []
        kept.reserveCapacity(spans.count)
        encoded.reserveCapacity(spans.count)
        items.reserveCapacity(spans.count)
        var refused = 0
        for span in spans {
            guard span.endNanoseconds + maxAge >= now, span.endNanoseconds <= now + maxFuture else {
                refused += 1
                continue
            }
            let bytes = encoder.encode(span)
            guard bytes.count <= limits.maxSpanBytes else {
                refused += 1
                continue
            }
            kept.append(span)
            items.append(.init(cost: encoder.cost(ofSpanBytes: bytes.count), startNanoseconds: span.startNanoseconds))
            encoded.append(bytes)
        }
        if refused > 0 {
            core.onDrop(refused)
            logger.warning("OTLP traces: spans the endpoint would refuse were dropped (over \(limits.maxSpanBytes) bytes, or too old or too far ahead)",
                           metadata: ["dropped": "\(refused)"])
        }
        let batches = OTLPBatcher.batches(items, envelope: encoder.envelopeBytes, maxSpans: configuration.maxExportBatchSize, limits: limits)
        for (position, range) in batches.enumerated() {
            let body = encoder.request(Array(encoded[range]))
            switch await send(body, count: range.count, oldest: kept[range].lazy.map(\.endNanoseconds).min() ?? now) {
            case .sent(let rejected):
                if rejected > 0 { core.onDrop(rejected) }
            case .dropped:
                core.onDrop(range.count)
            case .unreachable:
                core.queue.requeueAtFront(Array(kept[batches[position].lowerBound...]))
                return false
            }
        }
        return true
    }

    /// One request with its attempts; `.sent` carries the spans the endpoint said it rejected.
    private func send(_ request: [UInt8], count: Int, oldest: UInt64) async -> ExportCallOutcome<Int> {
        let body: Data
        do {
            body = configuration.compression == .gzip ? try Gzip.compress(Data(request)) : Data(request)
        } catch {
            logger.warning("OTLP traces: gzip failed, spans dropped", metadata: ["error": "\(error)", "spans": "\(count)"])
            return .dropped
        }
        let outcome = await core.attempts.send(count: count) {
            let response = try await sink.export(body: body, headers: headers, timeout: configuration.timeout)
            return try interpret(response, count: count)
        }
        if case .sent(let rejected) = outcome {
            core.counters.update { $0.itemsSent += count - rejected }
            core.counters.recordLag(oldestNanoseconds: oldest, now: DefaultTracerClock.now.nanosecondsSinceEpoch)
        }
        return outcome
    }

    /// The spans an answer rejected, or a classified error: 2xx and a 400 that carries a partial
    /// success report what they rejected; 429 and 5xx are retried (`Retry-After` honoured);
    /// 401/403 are a refusal; any other status rejects the request.
    private func interpret(_ response: HTTPClientResponse, count: Int) throws -> Int {
        let answer = OTLPExportResponse(body: response.body, contentType: response.headers["Content-Type"],
                                        requestEncoding: configuration.encoding)
        let message = answer.message.map { UntrustedText.message($0, maxLength: 200, secrets: secrets) }
        if response.isSuccess || (response.status == 400 && answer.rejectedSpans > 0) {
            let rejected = min(answer.rejectedSpans, count)
            if rejected > 0 {
                logger.warning("OTLP traces: the endpoint rejected spans", metadata: [
                    "status": "\(response.status)", "rejected": "\(rejected)", "reason": "\(message ?? "-")"])
            }
            return rejected
        }
        let kind: TelemetryExportError.Kind = switch response.status {
        case 429: .throttled
        case 500...599: .unavailable
        case 401, 403: .denied
        default: .rejected
        }
        throw TelemetryExportError(
            kind: kind, service: configuration.destination == .xray ? "xray" : "otlp", operation: "Export", status: response.status,
            requestID: UntrustedText.identifier(response.headers["x-amzn-RequestId"] ?? response.headers["x-request-id"], secrets: secrets),
            message: message ?? "HTTP \(response.status)", retryAfter: response.retryAfter())
    }

    static func classify(_ error: any Error) -> TelemetryExportError {
        if let error = error as? TelemetryExportError { return error }
        return TelemetryExportError(kind: .unavailable, service: "otlp", operation: "Export", message: "\(error)")
    }
}
