import Curl
import Testing

@Suite("Backoff")
struct BackoffTests {
    @Test("delays double per retry up to the maximum without jitter")
    func exponential() {
        let backoff = Backoff(base: .milliseconds(100), maximum: .milliseconds(1000), jitter: .none)
        let delays = (1...6).map { backoff.delay(beforeRetry: $0) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1000), .milliseconds(1000)])
    }

    @Test("equal jitter stays between half and all of the exponential delay")
    func equalJitter() {
        let backoff = Backoff(base: .milliseconds(100), maximum: .seconds(10), jitter: .equal)
        for retry in 1...8 {
            let ceiling = Backoff(base: .milliseconds(100), maximum: .seconds(10), jitter: .none).delay(beforeRetry: retry)
            for _ in 0..<50 {
                let delay = backoff.delay(beforeRetry: retry)
                #expect(delay >= ceiling / 2 - .milliseconds(1) && delay <= ceiling)
            }
        }
    }

    @Test("Retry-After wins when longer, and is capped by the ceiling")
    func retryAfter() {
        let backoff = Backoff(base: .milliseconds(100), maximum: .seconds(1), jitter: .none)
        #expect(backoff.delay(beforeRetry: 1, retryAfter: .seconds(3), ceiling: .seconds(10)) == .seconds(3))
        #expect(backoff.delay(beforeRetry: 1, retryAfter: .seconds(300), ceiling: .seconds(10)) == .seconds(10))
        #expect(backoff.delay(beforeRetry: 2, retryAfter: nil, ceiling: .seconds(10)) == .milliseconds(200))
    }
}
