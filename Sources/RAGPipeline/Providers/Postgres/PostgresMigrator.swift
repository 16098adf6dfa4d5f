import Foundation
import Logging
import PostgresNIO

/// Applies the SQL migrations shipped in `Resources/migrations/` (`NNN_name.sql`, in name
/// order) to a Postgres database, each once, in its own transaction.
///
/// Applied versions are kept in `rag_schema_migrations`. Each migration's transaction first takes
/// a transaction-scoped advisory lock (`pg_advisory_xact_lock`) and then checks whether the
/// version is applied, so several workers starting together apply each file exactly once. The
/// lock ends with its transaction: it cannot outlive the migrator, also through a transaction
/// pooler such as Supabase's on port 6543, which may run two statements of one session on two
/// server connections (a session-level lock taken on one would never be released on the other).
/// On Supabase the same files can be pasted into the SQL editor instead, in order.
public struct PostgresMigrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The file name without `.sql`, e.g. `001_documents`.
        public var version: String
        public var sql: String

        public init(version: String, sql: String) {
            self.version = version
            self.sql = sql
        }
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
            try await connection.withTransaction(logger: logger) { transaction in
                try await lock(transaction)
                try await transaction.query("""
                    CREATE TABLE IF NOT EXISTS rag_schema_migrations (
                        version text PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
            }
            var applied: [String] = []
            for migration in migrations {
                guard try await apply(migration, on: connection) else { continue }
                logger.info("applied database migration", metadata: ["version": "\(migration.version)"])
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// Applies `migration` in one transaction unless it is recorded already; true when applied now.
    private func apply(_ migration: Migration, on connection: PostgresConnection) async throws -> Bool {
        try await connection.withTransaction(logger: logger) { transaction in
            try await lock(transaction)
            let done = try await transaction.query(
                "SELECT 1 FROM rag_schema_migrations WHERE version = \(migration.version)", logger: logger).collect()
            guard done.isEmpty else { return false }
            for statement in SQLScript.statements(migration.sql) {
                try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await transaction.query("INSERT INTO rag_schema_migrations (version) VALUES (\(migration.version))", logger: logger)
            return true
        }
    }

    /// Serializes migrators until the end of the current transaction.
    private func lock(_ transaction: PostgresConnection) async throws {
        try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
    }
}
