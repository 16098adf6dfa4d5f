import Deadlines
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
}
