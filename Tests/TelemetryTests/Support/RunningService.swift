import ServiceLifecycle
import ServiceLifecycleTestKit

/// Runs `service` while `body` runs, then triggers a graceful shutdown and waits for `run()` to return.
func whileRunning<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
    try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { try await service.run() }
            }
            do {
                let value = try await body()
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
                return value
            } catch {
                trigger.triggerGracefulShutdown()
                group.cancelAll()
                throw error
            }
        }
    }
}
