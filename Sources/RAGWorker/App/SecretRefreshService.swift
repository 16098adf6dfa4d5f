import AWS
import Logging
import ServiceLifecycle

/// Re-reads the configuration secret every TTL so a rotated key (API keys, webhook secret,
/// Basic auth password) takes effect without a restart, and at once when a provider rejects a
/// key (``refreshAfterRejection()``). Settings other than secrets (URLs, models) are read once
/// at start-up and need a restart to change.
struct SecretRefreshService: Service {
    let secret: CachedSecret
    let secretID: String
    let secrets: SecretValues
    let interval: Duration
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence.repeating(every: interval).cancelOnGracefulShutdown() {
            await refresh()
        }
    }

    /// Reads the secret (a fresh fetch once the TTL passed) and applies changed values.
    func refresh() async {
        await apply { try await secret.values() }
    }

    /// A provider answered 401 to a key from the secret: fetches it now (single-flight, at most
    /// once per `minimumInterval`) and applies changed values, so a rotated key is used by the
    /// next request instead of after the TTL.
    func refreshAfterRejection(minimumInterval: Duration = .seconds(10)) async {
        await apply { try await secret.refreshAfterRejection(minimumInterval: minimumInterval).values }
    }

    private func apply(_ read: () async throws -> [String: String]) async {
        do {
            let values = try await read()
            let changed = secrets.update(values)
            if !changed.isEmpty {
                logger.notice("configuration secret rotated; new values in use", metadata: [
                    "secret.id": "\(secretID)", "keys": "\(changed.joined(separator: ","))",
                ])
            }
        } catch {
            // CachedSecret keeps serving the last good value and logs the cause.
            logger.warning("configuration secret refresh failed; keeping current values", metadata: ["secret.id": "\(secretID)"])
        }
    }
}

/// Yields every `interval` until cancelled.
struct AsyncTimerSequence: AsyncSequence, Sendable {
    typealias Element = Void
    let interval: Duration

    static func repeating(every interval: Duration) -> AsyncTimerSequence {
        AsyncTimerSequence(interval: interval)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let interval: Duration

        mutating func next() async -> Void? {
            do {
                try await Task.sleep(for: interval)
                return ()
            } catch {
                return nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(interval: interval)
    }
}
