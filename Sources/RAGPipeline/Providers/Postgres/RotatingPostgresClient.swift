import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The Postgres client of the current `DATABASE_URL`, rebuilt when the URL changes (a rotated
/// password in the Secrets Manager secret) without a restart.
///
/// A `PostgresClient`'s configuration cannot change, so a new URL gets a new client: it starts
/// running, then new calls take it, while the replaced one keeps serving what it has in hand (a
/// transaction, a query) for ``retireAfter`` before it is shut down. An unusable new URL is
/// logged once and the current client kept. The URL is read every ``checkInterval`` from the
/// configuration's secret values, which the secret refresh keeps current.
public final class RotatingPostgresClient: PostgresClientSource, Service, CustomStringConvertible {
    private struct State {
        /// The URL last seen (the current client's, or a rejected one not to log twice).
        var url: String
        /// The URL of ``client``.
        var inUse: String
        var client: PostgresClient
        /// When ``credentialsRejected()`` last connected (it does at most every 10 s).
        var lastDiagnosis: ContinuousClock.Instant?
    }

    private let currentURL: @Sendable () -> String?
    private let logger: Logger
    /// How often the configured URL is compared with the one in use.
    public let checkInterval: Duration
    /// How long a replaced client keeps serving calls already under way.
    public let retireAfter: Duration
    private let state: Mutex<State>
    private let replacements: AsyncStream<(client: PostgresClient, url: String)>
    private let replacement: AsyncStream<(client: PostgresClient, url: String)>.Continuation

    /// - Parameters:
    ///   - url: the `DATABASE_URL` to start with.
    ///   - currentURL: the URL the configuration holds now (nil: keep the one in use).
    /// - Throws: `PostgresURLError` when `url` is unusable.
    public init(
        url: String, currentURL: @escaping @Sendable () -> String?, logger: Logger,
        checkInterval: Duration = .seconds(5), retireAfter: Duration = .seconds(60)
    ) throws {
        let client = PostgresClient(configuration: try PostgresURL(url).clientConfiguration, backgroundLogger: logger)
        self.currentURL = currentURL
        self.logger = logger
        self.checkInterval = checkInterval
        self.retireAfter = retireAfter
        self.state = Mutex(State(url: url, inUse: url, client: client))
        (replacements, replacement) = AsyncStream.makeStream(of: (client: PostgresClient, url: String).self)
    }

    public var client: PostgresClient { state.withLock { $0.client } }

    public var description: String { "RotatingPostgresClient" }

    /// Runs the current client, and each replacement, until cancelled or shut down gracefully;
    /// checks the configured URL meanwhile.
    public func run() async {
        let first = client
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await watch() }
            var stopPrevious = Self.start(first, in: &group)
            for await (next, url) in replacements {
                let stop = Self.start(next, in: &group)
                // Only a running client is handed out: calls before its run() would wait on it.
                state.withLock { state in
                    state.client = next
                    state.inUse = url
                    state.lastDiagnosis = nil
                }
                group.addTask { [retireAfter, stopPrevious] in
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retireAfter) }
                    stopPrevious.finish()
                }
                stopPrevious = stop
            }
        }
    }

    /// Runs `client` in a child of `group` until it ends (graceful shutdown, cancellation) or the
    /// returned continuation is finished.
    private static func start(_ client: PostgresClient, in group: inout TaskGroup<Void>) -> AsyncStream<Void>.Continuation {
        let (stopped, stop) = AsyncStream.makeStream(of: Void.self)
        group.addTask {
            await withTaskGroup(of: Void.self) { own in
                own.addTask { await client.run() }
                own.addTask { for await _ in stopped {} }
                _ = await own.next()
                own.cancelAll()
            }
        }
        return stop
    }

    /// Compares the URL every interval until shutdown, then lets ``run()`` end.
    private func watch() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { [checkInterval] in try await Task.sleep(for: checkInterval) }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            rotateIfChanged()
        }
        replacement.finish()
    }

    /// Starts a replacement when the configured URL changed and is usable.
    func rotateIfChanged() {
        guard let url = currentURL(), url != state.withLock({ $0.url }) else { return }
        state.withLock { $0.url = url }
        do {
            let client = PostgresClient(configuration: try PostgresURL(url).clientConfiguration, backgroundLogger: logger)
            replacement.yield((client, url))
            logger.notice("DATABASE_URL changed: new Postgres calls use it; the previous client retires", metadata: [
                "retire.after": "\(retireAfter)",
            ])
        } catch {
            logger.error("DATABASE_URL changed to an unusable value; the current connection settings stay", metadata: ["error": "\(error)"])
        }
    }

    /// Opens one connection with the URL in use, at most every 10 s, to tell a refused login
    /// (a rotated password) from an unreachable server.
    public func credentialsRejected() async -> Bool {
        let url: String? = state.withLock { state in
            if let last = state.lastDiagnosis, ContinuousClock.now - last < .seconds(10) { return nil }
            state.lastDiagnosis = .now
            return state.inUse
        }
        guard let url, let configuration = try? PostgresURL(url).connectionConfiguration() else { return false }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
            return false
        } catch let error as PSQLError {
            return error.serverInfo?[.sqlState]?.hasPrefix("28") ?? false
        } catch {
            return false
        }
    }
}
