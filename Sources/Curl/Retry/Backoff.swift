/// Exponential backoff with jitter: the one delay formula every retry loop in the project uses
/// (AWS calls, provider calls, webhook deliveries).
///
/// The un-jittered delay before retry `n` (1-based) is `min(maximum, base × 2^(n-1))`.
public struct Backoff: Sendable, Equatable {
    /// How randomness spreads retries of many clients apart.
    public enum Jitter: Sendable, Equatable {
        /// Exactly the exponential delay (tests, deterministic schedules).
        case none
        /// Uniform in `0...delay`, as AWS SDKs' standard mode does.
        case full
        /// Uniform in `delay/2...delay`: spreads retries while keeping them growing.
        case equal
    }

    public var base: Duration
    public var maximum: Duration
    public var jitter: Jitter

    public init(base: Duration, maximum: Duration, jitter: Jitter = .equal) {
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 for the first retry).
    public func delay(beforeRetry retry: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(beforeRetry: retry, using: &generator)
    }

    /// The delay before retry number `retry`, drawing jitter from `generator`.
    public func delay(beforeRetry retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let exponent = UInt64(min(max(retry - 1, 0), 40))
        let seconds = min(maximum.seconds, base.seconds * Double(UInt64(1) << exponent))
        let jittered: Double = switch jitter {
        case .none: seconds
        case .full: Double.random(in: 0...seconds, using: &generator)
        case .equal: Double.random(in: (seconds / 2)...seconds, using: &generator)
        }
        return .microseconds(Int64((jittered * 1_000_000).rounded()))
    }

    /// The delay to wait when the server also asked for one with `Retry-After`: the longer of
    /// the two, bounded by `ceiling` so a hostile or broken header cannot stall a caller.
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, ceiling: Duration) -> Duration {
        let computed = delay(beforeRetry: retry)
        guard let retryAfter else { return min(computed, ceiling) }
        return min(max(computed, retryAfter), ceiling)
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
