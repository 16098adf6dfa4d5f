import Deadlines
import Logging
import PostgresNIO
import ServiceLifecycle

/// Asks the job store a trivial question every `interval`, with a time limit, and keeps
/// ``StoreHealth`` up to date; logs once when the store becomes unreachable and once when it
/// is back.
struct StoreHealthProbe: Service, CustomStringConvertible {
    let store: any JobStore
    let health: StoreHealth
    var interval: Duration = .seconds(2)
    /// The store is unreachable when it does not answer within this (`RAG_ACCEPT_TIMEOUT_SECONDS`,
    /// as for an accept). `/ping` reads the last answer, so it stays within SageMaker's 2 s anyway.
    var timeLimit: Duration = .milliseconds(1500)
    let logger: Logger
    /// Whether the store refuses the credentials in use (asked after a failed probe).
    var credentialsRejected: @Sendable () async -> Bool = { false }
    /// Called when the store refused the credentials (a rotated database password): the caller
    /// fetches the secret at once instead of waiting for its TTL.
    var onRejectedCredentials: @Sendable () async -> Void = {}

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
            if Self.credentialsRejected(error), await credentialsRejected() {
                logger.warning("the database refuses the credentials in use; fetching the configuration secret (DATABASE_URL may have been rotated)")
                await onRejectedCredentials()
            }
        }
    }

    /// Postgres refused the user or password (SQLSTATE class 28: invalid authorization), or the
    /// failure says too little to rule it out (a wait on the pool, which retries refused logins).
    static func credentialsRejected(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return error is TimeLimitExceeded }
        return error.serverInfo?[.sqlState]?.hasPrefix("28") ?? (error.code == .connectionError)
    }
}
