/// Supplies a provider's API key at each call, so a key rotated in Secrets Manager takes effect
/// without a restart, and asks for a refresh when the provider answers 401.
public struct APIKeyProvider: Sendable {
    /// The key to use now; `nil` when none is configured.
    public let current: @Sendable () -> String?
    /// Re-reads the key from its source (e.g. Secrets Manager). Called at most once per
    /// request, after a 401.
    public let refresh: @Sendable () async -> Void

    public init(current: @escaping @Sendable () -> String?, refresh: @escaping @Sendable () async -> Void = {}) {
        self.current = current
        self.refresh = refresh
    }

    /// A key that never changes (tests, the `ingest` command).
    public static func fixed(_ key: String) -> APIKeyProvider {
        APIKeyProvider(current: { key })
    }
}
