import Curl
import Foundation
import Logging

/// A Secrets Manager secret holding a JSON object of strings (configuration overrides), cached
/// for a TTL like AWS's caching clients.
///
/// The first load must succeed: its error names the secret and the cause. After that, a value
/// older than the TTL is refreshed on the next read; when the refresh fails the stale value keeps
/// being served, the failure is logged (secret id and cause only) and kept in
/// ``lastRefreshError``. ``refreshAfterRejection(minimumInterval:)`` refreshes at once, without
/// waiting for the TTL: call it when a provider rejects a key from the secret, in case it was
/// rotated. One fetch runs at a time: concurrent callers share it.
public actor CachedSecret {
    /// The cached value and where it stands.
    public struct Snapshot: Sendable, CustomStringConvertible {
        public let values: [String: String]
        public let versionID: String?
        public let fetchedAt: Date

        /// Lists the keys only, never the values.
        public var description: String {
            "CachedSecret.Snapshot(version: \(versionID ?? "?"), keys: \(values.keys.sorted()))"
        }
    }

    public let secretID: String
    public let ttl: Duration
    private let client: SecretsManagerClient
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var current: Snapshot?
    private var inFlight: Task<Snapshot, any Error>?
    /// When the latest fetch asked for by a rejection started, to rate-limit them.
    private var lastRejectionFetch: ContinuousClock.Instant?
    /// The failure of the latest refresh, `nil` after a successful one.
    public private(set) var lastRefreshError: SecretConfigurationError?

    /// - Parameters:
    ///   - ttl: how long a value is used before the next read refreshes it (default 1 hour).
    ///   - now: the wall clock; tests move it past the TTL.
    public init(
        secretID: String, client: SecretsManagerClient, ttl: Duration = .seconds(3600),
        logger: Logger = Logger(label: "aws.secret"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.secretID = secretID
        self.client = client
        self.ttl = ttl
        self.logger = logger
        self.now = now
    }

    /// The secret's key/value pairs, loading or refreshing them when needed.
    ///
    /// - Throws: ``SecretConfigurationError`` only when no value was ever loaded.
    public func values() async throws -> [String: String] {
        try await snapshot().values
    }

    /// The cached value, loading or refreshing it when needed (see ``values()``).
    public func snapshot() async throws -> Snapshot {
        guard let current else { return try await refresh() }
        guard now().timeIntervalSince(current.fetchedAt) >= ttl.seconds else { return current }
        do {
            return try await refresh()
        } catch let error as SecretConfigurationError {
            logger.warning("Cannot refresh the configuration secret, keeping the cached value", metadata: [
                "secret.id": "\(secretID)", "error.kind": "\(error.kind)", "error": "\(error.message)",
            ])
            return current
        }
    }

    /// Fetches the secret now (after a provider rejected a key that may have been rotated).
    ///
    /// - Returns: the new snapshot; compare its ``Snapshot/versionID`` to see whether it changed.
    /// - Throws: ``SecretConfigurationError``; the previous value stays cached.
    @discardableResult
    public func refreshNow() async throws -> Snapshot {
        try await refresh()
    }

    /// Fetches the secret now because a provider rejected a key from it (HTTP 401), which may
    /// have been rotated, unless a rejection already caused a fetch less than `minimumInterval`
    /// ago.
    ///
    /// A burst of rejections costs at most one fetch: callers during a fetch share it, and
    /// callers within `minimumInterval` of its start get its value; a key that stays revoked
    /// costs one fetch per interval. A failed fetch keeps the current value (logged, as for a
    /// TTL refresh).
    ///
    /// - Returns: the snapshot now cached; compare its ``Snapshot/versionID`` to see whether it changed.
    /// - Throws: ``SecretConfigurationError`` only when no value was ever loaded.
    @discardableResult
    public func refreshAfterRejection(minimumInterval: Duration = .seconds(10)) async throws -> Snapshot {
        if inFlight == nil, let current, let lastRejectionFetch, ContinuousClock.now - lastRejectionFetch < minimumInterval {
            return current
        }
        guard let current else { return try await refresh() }
        if inFlight == nil { lastRejectionFetch = .now }
        do {
            return try await refresh()
        } catch let error as SecretConfigurationError {
            logger.warning("Cannot refresh the configuration secret after a rejected key, keeping the cached value", metadata: [
                "secret.id": "\(secretID)", "error.kind": "\(error.kind)", "error": "\(error.message)",
            ])
            return current
        }
    }

    private func refresh() async throws -> Snapshot {
        let task: Task<Snapshot, any Error>
        if let inFlight {
            task = inFlight
        } else {
            // Shared by concurrent readers; not cancelled when one reader is.
            let (client, secretID, now) = (self.client, self.secretID, self.now)
            task = Task { try await Self.fetch(secretID: secretID, client: client, now: now) }
            inFlight = task
        }
        do {
            let snapshot = try await task.value
            if inFlight == task {
                inFlight = nil
                current = snapshot
                lastRefreshError = nil
            }
            return snapshot
        } catch is CancellationError {
            if inFlight == task { inFlight = nil }
            throw CancellationError()
        } catch {
            let failure = error as? SecretConfigurationError
                ?? SecretConfigurationError(.unavailable, secretID: secretID, message: "cannot be read: \(error)")
            if inFlight == task {
                inFlight = nil
                lastRefreshError = failure
            }
            throw failure
        }
    }

    private static func fetch(secretID: String, client: SecretsManagerClient, now: @Sendable () -> Date) async throws -> Snapshot {
        let value: SecretValue
        do {
            value = try await client.getSecretValue(id: secretID)
        } catch let error as AWSError {
            throw SecretConfigurationError(secretID: secretID, awsError: error)
        }
        guard let string = value.string else {
            throw SecretConfigurationError(.noStringValue, secretID: secretID, message: "holds binary data, not a JSON string")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(string.utf8)) else {
            throw SecretConfigurationError(.notJSON, secretID: secretID, message: "the value is not JSON (expected an object of strings)")
        }
        guard let object = parsed as? [String: Any] else {
            throw SecretConfigurationError(.notJSON, secretID: secretID, message: "the value is JSON but not an object (expected an object of strings)")
        }
        var values: [String: String] = [:]
        var wrongKeys: [String] = []
        for (key, element) in object {
            if let text = element as? String { values[key] = text } else { wrongKeys.append(key) }
        }
        guard wrongKeys.isEmpty else {
            throw SecretConfigurationError(
                .notAnObjectOfStrings, secretID: secretID,
                message: "values must be strings; not a string: \(wrongKeys.sorted().joined(separator: ", "))"
            )
        }
        return Snapshot(values: values, versionID: value.versionID, fetchedAt: now())
    }
}
