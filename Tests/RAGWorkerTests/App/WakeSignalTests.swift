import Testing

@testable import RAGWorker

@Suite("WakeSignal")
struct WakeSignalTests {
    @Test("a notification is never lost: before, during or after a waiter registers, the wait ends at once")
    func notificationsAreNotLost() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        for round in 0..<300 {
            let elapsed = await clock.measure {
                await withTaskGroup(of: Void.self) { group in
                    // A lost notification shows as the whole timeout; scheduling delays on a busy
                    // machine, even seconds, stay well below it.
                    group.addTask { await signal.wait(timeout: .seconds(30)) }
                    // Vary where the notification lands relative to the waiter's registration.
                    for _ in 0..<(round % 4) { await Task.yield() }
                    signal.notify()
                }
            }
            #expect(elapsed < .seconds(20), "round \(round) waited for the timeout")
            if elapsed >= .seconds(20) { break }
        }
    }

    @Test("without a notification the wait ends at its timeout, and says it was not notified")
    func timeout() async {
        var notified = true
        let elapsed = await ContinuousClock().measure { notified = await WakeSignal().wait(timeout: .milliseconds(100)) }
        #expect(elapsed >= .milliseconds(100))
        #expect(!notified)
    }

    @Test("a notified wait says so; a permit left earlier is taken at once")
    func notifiedResult() async {
        let signal = WakeSignal()
        signal.notify()
        #expect(await signal.wait(timeout: .seconds(30)), "the permit")
        async let waited = signal.wait(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        signal.notify()
        #expect(await waited)
    }

    @Test("cancelling a waiting task ends its wait at once")
    func cancellation() async {
        let signal = WakeSignal()
        let started = ContinuousClock.now
        let task = Task { await signal.wait(timeout: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == false)
        #expect(ContinuousClock.now - started < .seconds(30))
        // The cancelled waiter is gone: the next notification is kept for the next wait.
        signal.notify()
        #expect(await signal.wait(timeout: .seconds(30)))
    }

    @Test("notifyAll leaves a permit: a waiter registering just after it (a loop past its stop check) does not sleep out its timeout")
    func notifyAllLeavesAPermit() async {
        let signal = WakeSignal()
        signal.notifyAll()
        #expect(await signal.wait(timeout: .seconds(10)), "the shutdown's broadcast was lost")
    }

    @Test("a waiter is registered before it suspends: a notification in between is not lost (counted while waiting)")
    func waiterCount() async throws {
        let signal = WakeSignal()
        let waiting = Task { await signal.wait(timeout: .seconds(30)) }
        while signal.waiterCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        signal.notify()
        #expect(await waiting.value)
        #expect(signal.waiterCount == 0)
    }
}
