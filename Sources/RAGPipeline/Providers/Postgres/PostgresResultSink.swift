import Foundation
import Logging
import PostgresNIO

/// Persists results in the `proposals` table of the shipped migration over a direct
/// Postgres connection (`DATABASE_URL`), replacing the row when a job finishes again.
public struct PostgresResultSink: ResultSink {
    public let identity = ProviderIdentity.remote("postgres", "proposals")
    private let source: any PostgresClientSource
    private var client: PostgresClient { source.client }
    private let logger: Logger

    public init(client: any PostgresClientSource, logger: Logger) {
        self.source = client
        self.logger = logger
    }

    public func persist(_ record: ProposalRecord, call: ProviderCall) async throws {
        let row = record.row
        let encoder = JSONEncoder()
        func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        let proposal = try json(row.proposal), analysis = try json(row.analysis), references = try json(row.references)
        let providers = try json(row.providers), degraded = try json(row.degraded)
        let createdAt = record.createdAt
        let provider = identity.name
        try await call.run { [client, logger] _ in
            try await PostgresErrors.map(provider: provider) {
                _ = try await client.query("""
                    INSERT INTO proposals (job_id, trace_id, title, generated_by, fit_score, proposal, analysis, "references",
                                           providers, degraded, created_at)
                    VALUES (\(row.jobID), \(row.traceID), \(row.title), \(row.generatedBy), \(row.fitScore), \(proposal)::jsonb,
                            \(analysis)::jsonb, \(references)::jsonb, \(providers)::jsonb, \(degraded)::jsonb, \(createdAt))
                    ON CONFLICT (job_id) DO UPDATE SET trace_id = excluded.trace_id, title = excluded.title,
                        generated_by = excluded.generated_by, fit_score = excluded.fit_score, proposal = excluded.proposal,
                        analysis = excluded.analysis, "references" = excluded."references", providers = excluded.providers,
                        degraded = excluded.degraded, created_at = excluded.created_at
                    """, logger: logger)
            }
        }
    }
}
