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

    @Test("a Retry-After of any size (digits past Int64, a date in year 9999) is read as at most a day, never a crash")
    func hugeRetryAfter() {
        for value in ["99999999999999999999", "1e300", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            let response = HTTPClientResponse(status: 429, headers: ["Retry-After": value])
            #expect(response.retryAfter() == HTTPClientResponse.maximumRetryAfter, "Retry-After: \(value)")
        }
        #expect(HTTPClientResponse(status: 429, headers: ["Retry-After": "2.5"]).retryAfter() == .milliseconds(2_500))
        #expect(HTTPClientResponse(status: 429, headers: ["Retry-After": "soon"]).retryAfter() == nil)
    }
}
