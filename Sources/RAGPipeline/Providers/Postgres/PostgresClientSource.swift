import PostgresNIO

/// Where Postgres calls take their client from, at each call: a fixed `PostgresClient` (tests,
/// one-shot commands), or ``RotatingPostgresClient``, which replaces its client when
/// `DATABASE_URL` changes. Callers never keep the client across calls.
public protocol PostgresClientSource: Sendable {
    /// The client to use now.
    var client: PostgresClient { get }
}

extension PostgresClient: PostgresClientSource {
    public var client: PostgresClient { self }
}
