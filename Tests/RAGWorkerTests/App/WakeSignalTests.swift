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

    @Test("without a notification the wait ends at its timeout")
    func timeout() async {
        let elapsed = await ContinuousClock().measure { await WakeSignal().wait(timeout: .milliseconds(100)) }
        #expect(elapsed >= .milliseconds(100))
    }
}
