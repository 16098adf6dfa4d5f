import Foundation
import Hummingbird
import Synchronization

/// A loopback double of Cohere's rerank v2 API (`POST /v2/rerank`): checks the bearer key and
/// the documented body (`model`, `query`, `documents` as strings, `top_n`), scores documents
/// by the share of query words they contain, and injects ``ProviderFault``s.
public final class CohereDouble: Sendable {
    public let requests = RequestRecorder()
    public let faults = FaultScript()
    private let apiKey: String

    public init(apiKey: String = "cohere-test-key") {
        self.apiKey = apiKey
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("/v2/rerank") { request, _ in try await self.rerank(request) }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router)
        return router
    }

    private func rerank(_ request: Request) async throws -> Response {
        let recorded = try await requests.record(request)
        guard recorded.header("Authorization") == "Bearer \(apiKey)" else {
            return DoubleResponse.json(["message": "invalid api token"], status: .unauthorized)
        }
        if let response = try await DoubleResponse.apply(
            await faults.next(), requestBody: recorded.body, errorBody: { _ in ["message": "failed on purpose"] }, echoBody: { ["message": $0] }) {
            return response
        }
        guard let body = recorded.jsonObject, body["model"] is String, let query = body["query"] as? String,
              let documents = body["documents"] as? [String]
        else {
            return DoubleResponse.json(["message": "invalid request: model, query and documents are required"], status: .badRequest)
        }
        let topN = min(body["top_n"] as? Int ?? documents.count, documents.count)
        let queryWords = Set(Self.words(query))
        let scored = documents.enumerated().map { index, document -> (Int, Double) in
            let words = Set(Self.words(document))
            let overlap = queryWords.isEmpty ? 0 : Double(queryWords.intersection(words).count) / Double(queryWords.count)
            return (index, overlap)
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(topN)
        return DoubleResponse.json([
            "id": UUID().uuidString,
            "results": scored.map { ["index": $0.0, "relevance_score": $0.1] },
            "meta": ["api_version": ["version": "2"], "billed_units": ["search_units": 1]],
        ])
    }

    private static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init).filter { $0.count > 2 }
    }
}
