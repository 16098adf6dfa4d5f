import Deadlines
import Dispatch
import Synchronization
import Testing

@Suite("TimedWait")
struct TimedWaitTests {
    struct Late: Error {}

    @Test("the first of event, time limit and cancellation resumes the wait; the others are dropped")
    func resumedOnce() async throws {
        let wait = TimedWait<Int>()
        #expect(wait.resume(returning: 1))
        #expect(!wait.resume(returning: 2), "a second resume is dropped")
        #expect(try await wait.wait(timeLimit: .seconds(30), onTimeLimit: { wait.resume(throwing: Late()) }) == 1,
                "an outcome that came before the wait began is taken at once")
    }

    @Test("without an event the time limit's handler decides the outcome")
    func timeLimit() async throws {
        let wait = TimedWait<Int>()
        await #expect(throws: Late.self) {
            try await wait.wait(timeLimit: .milliseconds(50), onTimeLimit: { wait.resume(throwing: Late()) })
        }
    }

    @Test("cancelling the waiting task runs the cancellation handler")
    func cancellation() async throws {
        let wait = TimedWait<Int>()
        let task = Task {
            try await wait.wait(timeLimit: .seconds(60), onCancel: { wait.resume(throwing: CancellationError()) })
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test("runUncancelled: work started from a cancelled task runs uncancelled; past its limit the caller goes on")
    func uncancelledWork() async throws {
        let sawCancellation = Mutex<Bool?>(nil)
        let caller = Task {
            try await runUncancelled(timeLimit: .seconds(30)) {
                sawCancellation.withLock { $0 = Task.isCancelled }
                return 7
            }
        }
        caller.cancel()
        #expect(try await caller.value == 7)
        #expect(sawCancellation.withLock { $0 } == false)

        await #expect(throws: TimeLimitExceeded.self) {
            try await runUncancelled(timeLimit: .milliseconds(50)) {
                try await Task.sleep(for: .seconds(60))
            }
        }
    }

    @Test("withAbandoningTimeLimit answers at the limit, and at the caller's cancellation, even when the operation ignores both")
    func abandoning() async throws {
        let stubborn: @Sendable () async throws -> Int = {
            // Ignores cancellation, as a query waiting for a connection to a server that is down does.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + 60) { continuation.resume() }
            }
            return 1
        }
        let started = ContinuousClock.now
        await #expect(throws: TimeLimitExceeded.self) { try await withAbandoningTimeLimit(.milliseconds(100), stubborn) }
        let caller = Task { try await withAbandoningTimeLimit(.seconds(60), stubborn) }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(30), "neither waited for the operation's 60 s")
    }
}
