import Curl
import Logging
import Telemetry
import Tracing

/// The budget of one stage's calls to its provider: a deadline, a time limit per attempt and
/// the retry policy. Providers wrap each network round trip in ``run(_:)``.
///
/// Built by the pipeline for each stage (and by `ingest` for its batches), so every provider
/// retries the same way and no attempt can outlive the job's deadline.
public struct ProviderCall: Sendable {
    public let provider: ProviderIdentity
    /// No attempt runs past this instant (the stage's share of the job's deadline).
    public let deadline: ContinuousClock.Instant
    /// The longest one attempt may take (shortened near the deadline).
    public let attemptTimeout: Duration
    public let policy: RetryPolicy
    public let logger: Logger
    public let recorder: AttemptRecorder
    /// The job's capture, for providers that send prompts and receive replies (``JobCapture``).
    public let capture: JobCapture
    /// The stage the call serves (`generate`, …), as captures name it.
    public let stage: String
    /// When set, each attempt is a client span (remote providers only; the stage runner sets it).
    public var attemptSpans: AttemptSpans?

    /// The client span of each attempt: its name and the attributes it starts with (GenAI
    /// semantic-convention names for model calls).
    public struct AttemptSpans: Sendable {
        public let tracer: any Tracer
        public let name: String
        public let attributes: Tracing.SpanAttributes

        public init(tracer: any Tracer, name: String, attributes: Tracing.SpanAttributes) {
            self.tracer = tracer
            self.name = name
            self.attributes = attributes
        }
    }

    public init(
        provider: ProviderIdentity,
        deadline: ContinuousClock.Instant,
        attemptTimeout: Duration,
        policy: RetryPolicy = RetryPolicy(),
        logger: Logger,
        recorder: AttemptRecorder = AttemptRecorder(),
        capture: JobCapture = .none,
        stage: String = "standalone"
    ) {
        self.provider = provider
        self.deadline = deadline
        self.attemptTimeout = attemptTimeout
        self.policy = policy
        self.logger = logger
        self.recorder = recorder
        self.capture = capture
        self.stage = stage
    }

    /// A call for work outside a job (ingest, migrations): `budget` from now, one attempt
    /// limited to `attemptTimeout`.
    public static func standalone(
        provider: ProviderIdentity,
        budget: Duration = .seconds(300),
        attemptTimeout: Duration = .seconds(60),
        policy: RetryPolicy = RetryPolicy(maxAttempts: 5),
        logger: Logger
    ) -> ProviderCall {
        ProviderCall(provider: provider, deadline: .now + budget, attemptTimeout: attemptTimeout, policy: policy, logger: logger)
    }

    /// How an attempt's time limit is applied.
    public enum TimeLimit: Sendable {
        /// The operation might not stop by itself (a database query): it runs against a timer
        /// and is cancelled and abandoned when the limit passes.
        case enforced
        /// The operation stops itself at the limit it is given (an HTTP request's own timeout),
        /// so no timer task is needed.
        case byOperation
    }

    /// Records what the provider reported for one answered call (tokens, search units, response
    /// model and id), for the stage's span, the job's cost and the token metrics.
    public func recordUsage(_ usage: TokenUsage) {
        recorder.recordUsage(usage)
    }

    /// Time left before ``deadline``.
    public var remaining: Duration { max(.zero, deadline - .now) }

    /// Runs `operation` until it succeeds, it fails for good, or the retry budget is spent.
    ///
    /// Each attempt gets `min(attemptTimeout, time left)` as its limit (passed in, for the
    /// HTTP request's own timeout); with `.enforced` it is abandoned with a `.timedOut` error
    /// when it runs past it.
    /// Only ``ProviderError``s are retried; anything else (e.g. `CancellationError`) ends at once.
    ///
    /// - Throws: the last ``ProviderError`` when retries end, `CancellationError` when cancelled.
    public func run<T: Sendable>(
        timeLimit: TimeLimit = .enforced,
        _ operation: @escaping @Sendable (_ timeout: Duration) async throws -> T
    ) async throws -> T {
        var retry = 0
        while true {
            let left = deadline - .now
            guard left > .zero else {
                throw ProviderError(kind: .timedOut, provider: provider.name, message: "no time left in the stage's budget")
            }
            let timeout = min(attemptTimeout, left)
            recorder.began()
            do {
                return try await traced(attempt: retry + 1) {
                    switch timeLimit {
                    case .enforced:
                        try await Self.withTimeout(timeout, provider: provider.name) { try await operation(timeout) }
                    case .byOperation:
                        try await operation(timeout)
                    }
                }
            } catch let error as ProviderError {
                recorder.failed(error)
                retry += 1
                guard let wait = policy.delay(beforeRetry: retry, after: error, deadline: deadline) else { throw error }
                logger.warning("provider call failed, retrying", metadata: [
                    "provider": "\(provider.name)",
                    "error": "\(error)",
                    "retry": "\(retry)",
                    "delay_ms": "\(Int(wait.seconds * 1000))",
                ])
                try await Task.sleep(for: wait)
            }
        }
    }

    /// Runs one attempt inside its client span when ``attemptSpans`` is set: the failure's kind
    /// as `error.type`, the provider's HTTP status, and status error.
    private func traced<T>(attempt: Int, _ body: () async throws -> T) async throws -> T {
        guard let spans = attemptSpans else { return try await body() }
        let span = spans.tracer.startSpan(spans.name, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes = spans.attributes
        span.attributes[Telemetry.SpanAttributes.attempt] = attempt
        defer { span.end() }
        do {
            return try await body()
        } catch let error as ProviderError {
            span.attributes[Telemetry.SpanAttributes.errorType] = error.kind.rawValue
            if let status = error.status { span.attributes[Telemetry.SpanAttributes.httpStatusCode] = status }
            span.setStatus(SpanStatus(code: .error, message: error.kind.rawValue))
            throw error
        } catch {
            span.attributes[Telemetry.SpanAttributes.errorType] = error is CancellationError ? "cancelled" : String(describing: type(of: error))
            throw error
        }
    }

    private enum Race<T: Sendable>: Sendable {
        case finished(T)
        case timedOut
    }

    /// Runs `operation`, giving up with `.timedOut` after `timeout` (the operation is cancelled).
    static func withTimeout<T: Sendable>(
        _ timeout: Duration,
        provider: String,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Race<T>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            switch try await group.next() {
            case .finished(let value):
                return value
            case .timedOut, nil:
                throw ProviderError(
                    kind: .timedOut, provider: provider,
                    message: "no answer within \(Int((timeout.seconds * 1000).rounded())) ms"
                )
            }
        }
    }
}
