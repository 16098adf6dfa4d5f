import Deadlines
import Logging
import ServiceLifecycle

/// Asks the job store a trivial question every `interval`, with a time limit, and keeps
/// ``StoreHealth`` up to date; logs once when the store becomes unreachable and once when it
/// is back.
struct StoreHealthProbe: Service, CustomStringConvertible {
    let store: any JobStore
    let health: StoreHealth
    var interval: Duration = .seconds(2)
    /// Within SageMaker's 2 s ping limit together with `interval`'s staleness.
    var timeLimit: Duration = .milliseconds(1500)
    let logger: Logger

    /// ServiceLifecycle names services in its log lines: keep it short.
    var description: String { "StoreHealthProbe(every \(interval), limit \(timeLimit))" }

    func run() async throws {
        // During a drain intake is closed anyway: the probe stops with the first services.
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await probe()
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    func probe() async {
        do {
            try await withAbandoningTimeLimit(timeLimit) { [store] in try await store.ping() }
            if health.markReachable() {
                logger.notice("the job store answers again; accepting jobs")
            }
        } catch is CancellationError {
            return
        } catch {
            if health.markUnreachable("\(error)") {
                logger.error("the job store does not answer; /ping and /invocations answer 503 until it does", metadata: ["error": "\(error)"])
            }
        }
    }
}
