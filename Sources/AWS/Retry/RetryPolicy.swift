import Curl

/// How an ``AWSClient`` retries, after the SDKs' "standard" retry mode.
///
/// Up to ``maxAttempts`` attempts (the first included). Between attempts it waits
/// `Curl.Backoff`'s exponential delay with full jitter (uniform in `0...min(cap, base × 2^(n-1))`),
/// or longer when the response asked for it with `Retry-After` (bounded by ``retryAfterCeiling``).
/// Retried: connection failures and timeouts, HTTP 500/502/503/504, and throttling or transient
/// error codes (see ``AWSError/isRetryable``). Not retried: everything else, including 4xx
/// validation and permission errors. The SDKs' retry quota (token bucket) is not implemented:
/// callers bound their own work (telemetry exporters drop and count).
public struct RetryPolicy: Sendable {
    /// Attempts per call, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// The delay formula between attempts.
    public var backoff: Backoff
    /// The longest wait a `Retry-After` header can impose.
    public var retryAfterCeiling: Duration
    /// Waits between attempts; tests inject one that records the delays and returns at once.
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(
        maxAttempts: Int = 3,
        backoff: Backoff = RetryPolicy.standardBackoff,
        retryAfterCeiling: Duration = .seconds(20),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.backoff = backoff
        self.retryAfterCeiling = retryAfterCeiling
        self.sleep = sleep
    }

    /// Base 1 s doubling per retry, full jitter, capped at 20 s: the standard mode's schedule.
    public static let standardBackoff = Backoff(base: .seconds(1), maximum: .seconds(20), jitter: .full)

    /// The standard mode with `maxAttempts` attempts (``AWSConfiguration/maxAttempts``).
    public static func standard(maxAttempts: Int = 3) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts)
    }

    /// One attempt, no retries.
    public static let noRetries = RetryPolicy(maxAttempts: 1)

    /// Whether a call that failed with `error` on attempt `attempt` (1-based) gets another attempt.
    public func shouldRetry(_ error: AWSError, attempt: Int) -> Bool {
        attempt < maxAttempts && error.isRetryable
    }

    /// The wait before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int, retryAfter: Duration?) -> Duration {
        backoff.delay(beforeRetry: retry, retryAfter: retryAfter, ceiling: max(retryAfterCeiling, backoff.maximum))
    }
}
