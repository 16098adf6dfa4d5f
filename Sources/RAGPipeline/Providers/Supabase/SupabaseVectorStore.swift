import Curl
import Foundation

/// Retrieval through Supabase's REST API (PostgREST): the `match_documents(query_embedding,
/// match_count, filter)` function of the shipped migration, called as
/// `POST /rest/v1/rpc/match_documents`; `ingest` writes the `documents` table.
///
/// The filter selects rows whose `metadata` contains `{"embedding_model": <embedder>}`, so
/// vectors of another embedder never mix into the results.
public struct SupabaseVectorStore: VectorStore {
    public let identity: ProviderIdentity
    private let urls: PostgRESTURL
    private let table: String
    private let function: String
    private let http: ProviderHTTP

    private struct MatchRequest: Encodable {
        var query_embedding: [Float]
        var match_count: Int
        var filter: [String: JSONValue]
    }

    private struct MatchRow: Decodable {
        var id: JSONValue
        var content: String
        var metadata: [String: JSONValue]?
        var similarity: Double
    }

    private struct DocumentRow: Encodable {
        var content: String
        var metadata: [String: JSONValue]
        var embedding: [Float]
        var content_hash: String
    }

    private struct HashRow: Decodable {
        var content_hash: String?
    }

    /// - Parameters:
    ///   - projectURL: `SUPABASE_URL`.
    ///   - apiKey: `SUPABASE_KEY` (a secret or `service_role` key: the worker writes results).
    public init(
        projectURL: String, apiKey: APIKeyProvider, client: any HTTPClient,
        table: String = "documents", function: String = "match_documents"
    ) {
        let identity = ProviderIdentity.remote("supabase", function)
        self.identity = identity
        self.urls = PostgRESTURL(projectURL: projectURL)
        self.table = table
        self.function = function
        self.http = ProviderHTTP(client: client, provider: identity, key: apiKey, placement: .supabase)
    }

    public func search(_ query: [Float], limit: Int, embeddingModel: String, call: ProviderCall) async throws -> [RetrievedDocument] {
        let body = MatchRequest(query_embedding: query, match_count: limit, filter: ["embedding_model": .string(embeddingModel)])
        let url = urls.rpc(function)
        return try await call.run(timeLimit: .byOperation) { [http] timeout in
            let response = try await http.send(.post, url: url, json: body, timeout: timeout)
            let rows = try http.decode([MatchRow].self, from: response)
            return rows.map { row in
                let id: String = switch row.id {
                case .number(let value): String(Int64(value))
                case .string(let value): value
                default: "?"
                }
                return RetrievedDocument(id: id, content: row.content, metadata: row.metadata ?? [:], similarity: row.similarity)
            }
        }
    }

    public func existingHashes(_ hashes: [String], call: ProviderCall) async throws -> Set<String> {
        var found: Set<String> = []
        for batch in hashes.chunked(into: 100) {
            let url = urls.table(table, [("select", "content_hash"), ("content_hash", "in." + PostgRESTURL.inList(batch))])
            let rows = try await call.run(timeLimit: .byOperation) { [http] timeout in
                try http.decode([HashRow].self, from: try await http.send(.get, url: url, timeout: timeout))
            }
            found.formUnion(rows.compactMap(\.content_hash))
        }
        return found
    }

    public func upsert(_ chunks: [EmbeddedChunk], call: ProviderCall) async throws -> Int {
        var inserted = 0
        let url = urls.table(table, [("on_conflict", "content_hash"), ("select", "content_hash")])
        for batch in chunks.chunked(into: 100) {
            let rows = batch.map {
                DocumentRow(content: $0.chunk.content, metadata: $0.storedMetadata, embedding: $0.embedding, content_hash: $0.contentHash)
            }
            let returned = try await call.run(timeLimit: .byOperation) { [http] timeout in
                let response = try await http.send(
                    .post, url: url, json: rows,
                    headers: ["Prefer": "resolution=ignore-duplicates,return=representation"], timeout: timeout
                )
                return try http.decode([HashRow].self, from: response)
            }
            inserted += returned.count
        }
        return inserted
    }

    public func removeStale(source: String, embeddingModel: String, keeping: Set<String>, call: ProviderCall) async throws -> Int {
        var query = [
            ("metadata->>source", "eq.\(source)"),
            ("metadata->>embedding_model", "eq.\(embeddingModel)"),
            ("select", "content_hash"),
        ]
        if !keeping.isEmpty { query.append(("content_hash", "not.in." + PostgRESTURL.inList(keeping.sorted()))) }
        let url = urls.table(table, query)
        let removed = try await call.run(timeLimit: .byOperation) { [http] timeout in
            let response = try await http.send(.delete, url: url, headers: ["Prefer": "return=representation"], timeout: timeout)
            return try http.decode([HashRow].self, from: response)
        }
        return removed.count
    }

    /// Counts with `Prefer: count=exact` and reads the total from `Content-Range` (`0-0/42`,
    /// `*/0`), so no rows are transferred; PostgREST cannot count distinct sources without
    /// aggregates (off by default), so ``StoreInventory/documents`` stays nil.
    public func inventory(embeddingModel: String, call: ProviderCall) async throws -> StoreInventory {
        let mine = try await count([("metadata->>embedding_model", "eq.\(embeddingModel)")], call: call)
        let all = try await count([], call: call)
        return StoreInventory(embeddingModel: embeddingModel, chunks: mine, documents: nil, otherModelChunks: max(0, all - mine))
    }

    private func count(_ filters: [(String, String)], call: ProviderCall) async throws -> Int {
        let url = urls.table(table, [("select", "content_hash"), ("limit", "1")] + filters)
        let provider = identity.name
        return try await call.run(timeLimit: .byOperation) { [http] timeout in
            let response = try await http.send(.get, url: url, headers: ["Prefer": "count=exact"], timeout: timeout)
            _ = try http.decode([HashRow].self, from: response)
            guard let range = response.headers["Content-Range"], let total = range.split(separator: "/").last.flatMap({ Int($0) }) else {
                throw ProviderError(kind: .malformedResponse, provider: provider, message: "no total in Content-Range for Prefer: count=exact")
            }
            return total
        }
    }
}
