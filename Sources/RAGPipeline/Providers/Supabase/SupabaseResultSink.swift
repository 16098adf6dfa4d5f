import Curl

/// Persists results with a PostgREST insert into the `proposals` table of the shipped
/// migration: `POST /rest/v1/proposals?on_conflict=job_id` with
/// `Prefer: resolution=merge-duplicates,return=minimal`, so finishing a job again replaces its row.
public struct SupabaseResultSink: ResultSink {
    public let identity: ProviderIdentity
    private let url: String
    private let http: ProviderHTTP

    public init(projectURL: String, apiKey: APIKeyProvider, client: any HTTPClient, table: String = "proposals") {
        let identity = ProviderIdentity.remote("supabase", table)
        self.identity = identity
        self.url = PostgRESTURL(projectURL: projectURL).table(table, [("on_conflict", "job_id")])
        self.http = ProviderHTTP(client: client, provider: identity, key: apiKey, placement: .supabase)
    }

    public func persist(_ record: ProposalRecord, call: ProviderCall) async throws {
        let row = record.row
        _ = try await call.run(timeLimit: .byOperation) { [http, url] timeout in
            try await http.send(
                .post, url: url, json: [row],
                headers: ["Prefer": "resolution=merge-duplicates,return=minimal"], timeout: timeout
            ).status
        }
    }
}
