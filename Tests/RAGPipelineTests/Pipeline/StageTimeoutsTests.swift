import Curl
import RAGPipeline
import Telemetry
import Testing

@Suite("Deadline split and retry policy")
struct StageTimeoutsTests {
    @Test("with the full 110 s every stage gets its default budget; later stages shrink when time runs short")
    func split() {
        let now = ContinuousClock.now
        let timeouts = StageTimeouts.default
        let full = timeouts.limits(for: .generate, jobDeadline: now + .seconds(110), now: now)
        #expect(full.deadline - now == .seconds(70))
        #expect(full.attemptTimeout == .seconds(45))
        #expect(!full.cutByJobDeadline)

        // 39 s left for generate (70 s) and persist (8 s): both get half.
        let short = timeouts.limits(for: .generate, jobDeadline: now + .seconds(39), now: now)
        #expect(short.deadline - now == .seconds(35))
        #expect(short.attemptTimeout == .milliseconds(22_500))
        #expect(short.cutByJobDeadline)
        let last = timeouts.limits(for: .persist, jobDeadline: now + .seconds(1), now: now)
        #expect(last.deadline == now + .seconds(1))
    }

    @Test("no stage deadline is ever after the job's deadline")
    func neverPastDeadline() {
        let now = ContinuousClock.now
        for stage in StageTimeouts.pipelineStages {
            for remaining in [0, 1, 5, 30, 110, 500] {
                let limits = StageTimeouts.default.limits(for: stage, jobDeadline: now + .seconds(remaining), now: now)
                #expect(limits.deadline <= now + .seconds(remaining))
                #expect(limits.attemptTimeout <= limits.deadline - now)
            }
        }
    }

    @Test("retries follow Backoff, honour Retry-After, and stop when the wait would pass the deadline")
    func retryDelays() throws {
        let policy = RetryPolicy(maxAttempts: 4, backoff: Backoff(base: .milliseconds(100), maximum: .seconds(1), jitter: .none),
                                 maxDelay: .seconds(10), minimumAttemptTime: .milliseconds(100))
        let now = ContinuousClock.now
        let deadline = now + .seconds(5)
        let throttled = ProviderError(kind: .throttled, provider: "p", status: 429, retryAfter: .seconds(2), message: "")
        let failed = ProviderError(kind: .serverError, provider: "p", status: 500, message: "")
        let rejected = ProviderError(kind: .rejected, provider: "p", status: 400, message: "")

        #expect(policy.delay(beforeRetry: 1, after: failed, deadline: deadline, now: now) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 3, after: failed, deadline: deadline, now: now) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 1, after: throttled, deadline: deadline, now: now) == .seconds(2))
        #expect(policy.delay(beforeRetry: 4, after: failed, deadline: deadline, now: now) == nil, "attempts used up")
        #expect(policy.delay(beforeRetry: 1, after: rejected, deadline: deadline, now: now) == nil, "not retryable")
        #expect(policy.delay(beforeRetry: 1, after: throttled, deadline: now + .seconds(2), now: now) == nil, "would pass the deadline")
        let tooLong = ProviderError(kind: .throttled, provider: "p", status: 429, retryAfter: .seconds(60), message: "")
        #expect(policy.delay(beforeRetry: 1, after: tooLong, deadline: now + .seconds(120), now: now) == nil, "Retry-After beyond maxDelay")
    }
}
