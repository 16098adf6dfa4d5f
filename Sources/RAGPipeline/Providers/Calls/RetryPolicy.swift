import Curl

/// How a stage retries its provider calls: which attempts, how long to wait between them.
///
/// Delays come from ``Curl/Backoff`` (the project's one formula) and honour `Retry-After`;
/// a retry is only started when it can finish before the stage's deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per call, the first included.
    public var maxAttempts: Int
    public var backoff: Backoff
    /// The longest single wait. A `Retry-After` longer than this ends the retries instead of
    /// being shortened: the provider said it will not answer sooner.
    public var maxDelay: Duration
    /// A retry starts only when at least this much time would remain for it after the wait.
    public var minimumAttemptTime: Duration

    public init(
        maxAttempts: Int = 4,
        backoff: Backoff = Backoff(base: .milliseconds(500), maximum: .seconds(8), jitter: .equal),
        maxDelay: Duration = .seconds(20),
        minimumAttemptTime: Duration = .milliseconds(250)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.maxDelay = maxDelay
        self.minimumAttemptTime = minimumAttemptTime
    }

    /// The wait before retry number `retry` (1-based) after `error`, or `nil` when no retry
    /// should be made: the error is final, attempts are used up, `Retry-After` is too long, or
    /// the wait plus a minimal attempt would pass `deadline`.
    public func delay(
        beforeRetry retry: Int,
        after error: ProviderError,
        deadline: ContinuousClock.Instant,
        now: ContinuousClock.Instant = .now
    ) -> Duration? {
        guard error.isRetryable, retry < maxAttempts else { return nil }
        if let retryAfter = error.retryAfter, retryAfter > maxDelay { return nil }
        let wait = backoff.delay(beforeRetry: retry, retryAfter: error.retryAfter, ceiling: maxDelay)
        guard now + wait + minimumAttemptTime <= deadline else { return nil }
        return wait
    }
}
