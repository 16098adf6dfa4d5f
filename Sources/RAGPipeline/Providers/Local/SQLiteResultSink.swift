import Foundation
import SQLite

/// The embedded default result sink: one row per job in the `proposals` table of the
/// pipeline's SQLite file, replaced when the job finishes again.
public final class SQLiteResultSink: ResultSink {
    public let identity = ProviderIdentity.remote("sqlite", "proposals")
    private let database: SQLiteDatabase

    /// Uses `database` (creating the table when missing).
    public init(database: SQLiteDatabase) async throws {
        self.database = database
        try await database.write { try $0.execute(Self.schema) }
    }

    public func persist(_ record: ProposalRecord, call: ProviderCall) async throws {
        let row = record.row
        let json = String(decoding: try JSONEncoder().encode(row), as: UTF8.self)
        let provider = identity.name
        try await call.run(timeLimit: .byOperation) { [database] timeout in
            try await SQLiteVectorStore.mapErrors(provider: provider) {
                try await database.write(timeout: timeout) { connection in
                    _ = try connection.run("""
                        INSERT INTO proposals (job_id, trace_id, title, generated_by, fit_score, row_json, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(job_id) DO UPDATE SET trace_id = excluded.trace_id, title = excluded.title,
                            generated_by = excluded.generated_by, fit_score = excluded.fit_score,
                            row_json = excluded.row_json, created_at = excluded.created_at
                        """, [row.jobID, row.traceID, row.title, row.generatedBy, row.fitScore, json, row.createdAt])
                }
            }
        }
    }

    /// The stored row of `jobID`, if any.
    public func proposal(jobID: String) async throws -> ProposalRow? {
        try await database.read { connection in
            guard let data = try connection.queryFirst("SELECT row_json FROM proposals WHERE job_id = ?", [jobID])?.data("row_json")
            else { return nil }
            return try JSONDecoder().decode(ProposalRow.self, from: data)
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS proposals (
            job_id TEXT PRIMARY KEY,
            trace_id TEXT NOT NULL,
            title TEXT NOT NULL,
            generated_by TEXT NOT NULL,
            fit_score INTEGER NOT NULL,
            row_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """
}
