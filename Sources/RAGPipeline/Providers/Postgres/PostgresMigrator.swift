import Foundation
import Logging
import PostgresNIO

/// Applies the SQL migrations shipped in `Resources/migrations/` (`NNN_name.sql`, in name
/// order) to a Postgres database, each once, in its own transaction.
///
/// Applied versions are kept in `rag_schema_migrations`. A session advisory lock serializes
/// migrators, so several workers starting together apply each file exactly once. On
/// Supabase the same files can be pasted into the SQL editor instead, in order.
public struct PostgresMigrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The file name without `.sql`, e.g. `001_documents`.
        public var version: String
        public var sql: String
    }

    /// Arbitrary constant shared by every migrator of this schema.
    static let lockKey: Int64 = 0x5241_4757_4B52
    private let client: PostgresClient
    private let logger: Logger
    public let migrations: [Migration]

    /// - Parameter migrations: the bundled migrations by default.
    public init(client: PostgresClient, logger: Logger, migrations: [Migration]? = nil) throws {
        self.client = client
        self.logger = logger
        self.migrations = try migrations ?? Self.bundled()
    }

    /// The migration files of the module, in order.
    public static func bundled() throws -> [Migration] {
        let directory = PipelineResources.url("migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try names.map { name in
            Migration(version: String(name.dropLast(4)), sql: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }

    /// Applies the migrations not applied yet; returns their versions.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS rag_schema_migrations (
                version text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done: Set<String> = []
        for try await version in try await connection.query("SELECT version FROM rag_schema_migrations", logger: logger).decode(String.self) {
            done.insert(version)
        }
        var applied: [String] = []
        for migration in migrations where !done.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in SQLScript.statements(migration.sql) {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.query("INSERT INTO rag_schema_migrations (version) VALUES (\(migration.version))", logger: logger)
            }
            logger.info("applied database migration", metadata: ["version": "\(migration.version)"])
            applied.append(migration.version)
        }
        return applied
    }
}
