import Foundation

/// Keeps finished proposals: the `persist` stage.
///
/// ``SupabaseResultSink`` (PostgREST insert), ``PostgresResultSink``, or the embedded
/// ``SQLiteResultSink``. Writes are idempotent on the job id: a job finished again after a
/// crash replaces its row.
public protocol ResultSink: Sendable {
    var identity: ProviderIdentity { get }

    func persist(_ record: ProposalRecord, call: ProviderCall) async throws
}

/// One finished job's result, as the sinks store it.
public struct ProposalRecord: Sendable, Equatable {
    public var jobID: String
    public var traceID: String
    public var title: String
    public var result: ProposalResult
    public var createdAt: Date

    public init(jobID: String, traceID: String, title: String, result: ProposalResult, createdAt: Date) {
        self.jobID = jobID
        self.traceID = traceID
        self.title = title
        self.result = result
        self.createdAt = createdAt
    }

    /// The row as JSON columns: `job_id`, `trace_id`, `title`, `generated_by`, `fit_score`,
    /// `proposal`, `analysis`, `references`, `providers`, `degraded`, `created_at`.
    public var row: ProposalRow {
        ProposalRow(
            jobID: jobID, traceID: traceID, title: title,
            generatedBy: result.proposal.generatedBy, fitScore: result.analysis.fitScore,
            proposal: result.proposal, analysis: result.analysis, references: result.references,
            providers: result.providers, degraded: result.degraded,
            createdAt: createdAt.formatted(.iso8601)
        )
    }
}

/// The columns of the `proposals` table (Supabase, Postgres and SQLite alike).
public struct ProposalRow: Sendable, Codable, Equatable {
    public var jobID: String
    public var traceID: String
    public var title: String
    public var generatedBy: String
    public var fitScore: Int
    public var proposal: Proposal
    public var analysis: Analysis
    public var references: [Reference]
    public var providers: [String: String]
    public var degraded: [String]
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case title, proposal, analysis, references, providers, degraded
        case jobID = "job_id"
        case traceID = "trace_id"
        case generatedBy = "generated_by"
        case fitScore = "fit_score"
        case createdAt = "created_at"
    }
}
