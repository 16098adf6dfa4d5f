import PostgresNIO

/// Where Postgres calls take their client from, at each call: a fixed `PostgresClient` (tests,
/// one-shot commands), or ``RotatingPostgresClient``, which replaces its client when
/// `DATABASE_URL` changes. Callers never keep the client across calls.
public protocol PostgresClientSource: Sendable {
    /// The client to use now.
    var client: PostgresClient { get }

    /// Whether the database refuses the credentials in use (SQLSTATE class 28), found by opening
    /// one connection outside the pool: the pool retries a refused login in the background, so
    /// its callers only see a wait. False when unknown or not refused.
    func credentialsRejected() async -> Bool
}

extension PostgresClientSource {
    public func credentialsRejected() async -> Bool { false }
}

extension PostgresClient: PostgresClientSource {
    public var client: PostgresClient { self }
}
