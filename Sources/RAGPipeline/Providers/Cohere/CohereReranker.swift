import Curl

/// Reranking with Cohere's `POST /v2/rerank`
/// (https://docs.cohere.com/reference/rerank): `{model, query, documents, top_n}` in,
/// `{id, results: [{index, relevance_score}], meta: {billed_units: {search_units}}}` out; the
/// billed search units are recorded for the job's cost.
public struct CohereReranker: Reranker {
    public let identity: ProviderIdentity
    private let baseURL: String
    private let model: String
    private let http: ProviderHTTP
    /// Documents are cut to this many characters (the API truncates at 4,096 tokens anyway).
    private let maxDocumentCharacters: Int

    private struct Request: Encodable {
        var model: String
        var query: String
        var documents: [String]
        var top_n: Int
    }

    private struct Response: Decodable {
        struct Result: Decodable {
            var index: Int
            var relevance_score: Double
        }

        struct Meta: Decodable {
            struct BilledUnits: Decodable {
                var search_units: Int?
            }

            var billed_units: BilledUnits?
        }

        var id: String?
        var results: [Result]
        var meta: Meta?
    }

    /// - Parameters:
    ///   - baseURL: e.g. `https://api.cohere.com` (`COHERE_BASE_URL`).
    ///   - model: e.g. `rerank-v3.5` (`COHERE_RERANK_MODEL`).
    public init(baseURL: String, model: String, apiKey: APIKeyProvider, client: any HTTPClient, maxDocumentCharacters: Int = 4_000) {
        let identity = ProviderIdentity.remote("cohere", model, model: model)
        self.identity = identity
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.maxDocumentCharacters = maxDocumentCharacters
        self.http = ProviderHTTP(client: client, provider: identity, key: apiKey, placement: .bearer)
    }

    public func rerank(query: String, documents: [String], topN: Int, call: ProviderCall) async throws -> [RerankScore] {
        guard !documents.isEmpty else { return [] }
        let request = Request(
            model: model, query: String(query.prefix(2_000)),
            documents: documents.map { String($0.prefix(maxDocumentCharacters)) },
            top_n: max(1, min(topN, documents.count))
        )
        return try await call.run(timeLimit: .byOperation) { [http, baseURL] timeout in
            let response = try await http.send(.post, url: baseURL + "/v2/rerank", json: request, timeout: timeout)
            let decoded = try http.decode(Response.self, from: response)
            guard decoded.results.allSatisfy({ request.documents.indices.contains($0.index) }) else {
                throw ProviderError(kind: .malformedResponse, provider: http.provider.name, status: response.status,
                                    message: "a result points past the documents sent")
            }
            call.recordUsage(TokenUsage(
                inputTokens: 0, outputTokens: 0, searchUnits: decoded.meta?.billed_units?.search_units ?? 0,
                responseID: decoded.id))
            return decoded.results
                .map { RerankScore(index: $0.index, score: $0.relevance_score) }
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        }
    }
}
