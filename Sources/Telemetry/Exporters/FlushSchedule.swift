/// The wait of every exporter loop: until the next flush time, until a batch is full, or until
/// shutdown, whichever comes first.
enum FlushSchedule {
    enum Wake: Sendable {
        case timer
        case batchReady
        case stop
    }

    /// Sleeps on `clock` until `deadline`, returning early when `queue` holds `threshold`
    /// elements or `stop` fires (or the task is cancelled, which counts as stop).
    static func wait<C: Clock, Element: Sendable>(
        clock: C, until deadline: C.Instant, queue: BoundedQueue<Element>?, threshold: Int, stop: StopSignal
    ) async -> Wake {
        if stop.isStopped || Task.isCancelled { return .stop }
        if let queue, queue.count >= threshold { return .batchReady }
        let wake = await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(until: deadline, tolerance: nil)
                    return .timer
                } catch {
                    return .stop
                }
            }
            if let queue {
                group.addTask {
                    await queue.waitUntilCount(atLeast: threshold)
                    return .batchReady
                }
            }
            group.addTask {
                await stop.wait()
                return .stop
            }
            let first = await group.next() ?? .stop
            group.cancelAll()
            return first
        }
        if stop.isStopped || Task.isCancelled { return .stop }
        return wake
    }

    /// Runs `body`, giving up (by cancelling it) after `limit` on `clock`.
    ///
    /// - Returns: false when the time limit cut `body` short.
    static func withTimeLimit<C: Clock>(_ limit: C.Duration, clock: C, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await body()
                return true
            }
            group.addTask {
                try? await clock.sleep(for: limit, tolerance: nil)
                return false
            }
            let finished = await group.next() ?? false
            group.cancelAll()
            return finished
        }
    }
}
