import Foundation
import Hummingbird
import Synchronization

/// A loopback double of Supabase's REST API (PostgREST) for the worker's tables:
/// `POST /rest/v1/rpc/match_documents`, and `GET`/`POST`/`DELETE /rest/v1/documents` and
/// `POST /rest/v1/proposals`, with PostgREST's filters (`eq.`, `in.(…)`, `not.in.(…)`,
/// `metadata->>key`), `Prefer` handling (`resolution=ignore-duplicates|merge-duplicates`,
/// `return=representation|minimal`), `on_conflict`, and ``ProviderFault``s.
///
/// Checks the `apikey` header, and `Authorization: Bearer` when the key is a JWT (as Supabase
/// requires for legacy keys).
public final class PostgRESTDouble: Sendable {
    /// A row of `documents`.
    public struct StoredDocument: Sendable {
        public var id: Int
        public var content: String
        public var contentHash: String?
        public var embedding: [Double]
        public var metadataJSON: Data

        public var metadata: [String: Any] {
            (try? JSONSerialization.jsonObject(with: metadataJSON)) as? [String: Any] ?? [:]
        }
    }

    private struct State {
        var documents: [StoredDocument] = []
        var nextID = 1
        var proposals: [String: Data] = [:]
    }

    public let requests = RequestRecorder()
    public let faults = FaultScript()
    private let apiKey: String
    private let state = Mutex(State())

    public init(apiKey: String = "sb_secret_test_key") {
        self.apiKey = apiKey
    }

    public var documents: [StoredDocument] { state.withLock { $0.documents } }

    /// The stored `proposals` row of `jobID` as a JSON object.
    public func proposal(jobID: String) -> [String: Any]? {
        guard let data = state.withLock({ $0.proposals[jobID] }) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    public var proposalCount: Int { state.withLock { $0.proposals.count } }

    /// Stores a document directly, as if ingested earlier.
    public func seed(content: String, metadata: [String: Any], embedding: [Double], contentHash: String? = nil) {
        let json = (try? JSONSerialization.data(withJSONObject: metadata)) ?? Data("{}".utf8)
        state.withLock { state in
            state.documents.append(StoredDocument(id: state.nextID, content: content, contentHash: contentHash, embedding: embedding, metadataJSON: json))
            state.nextID += 1
        }
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.post("/rest/v1/rpc/:function") { request, context in
            try await self.handle(request) { try self.rpc($0, function: context.parameters.get("function") ?? "") }
        }
        router.get("/rest/v1/:table") { request, context in
            try await self.handle(request) { try self.select($0, request: request, table: context.parameters.get("table") ?? "") }
        }
        router.post("/rest/v1/:table") { request, context in
            try await self.handle(request) { try self.insert($0, request: request, table: context.parameters.get("table") ?? "") }
        }
        router.delete("/rest/v1/:table") { request, context in
            try await self.handle(request) { try self.delete($0, request: request, table: context.parameters.get("table") ?? "") }
        }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router)
        return router
    }

    private func handle(_ request: Request, _ body: (RecordedRequest) throws -> Response) async throws -> Response {
        let recorded = try await requests.record(request)
        let jwt = apiKey.hasPrefix("eyJ") && apiKey.split(separator: ".").count == 3
        let authorization = recorded.header("Authorization")
        guard recorded.header("apikey") == apiKey, authorization == nil || authorization == "Bearer \(apiKey)",
              !jwt || authorization == "Bearer \(apiKey)"
        else {
            return DoubleResponse.json(["message": "Invalid API key", "hint": "Double check your Supabase `anon` or `service_role` API key."],
                                       status: .unauthorized)
        }
        if let response = try await DoubleResponse.apply(await faults.next(), errorBody: { _ in
            ["code": "PGRST000", "message": "failed on purpose", "details": NSNull(), "hint": NSNull()]
        }) {
            return response
        }
        return try body(recorded)
    }

    private func rpc(_ request: RecordedRequest, function: String) throws -> Response {
        guard function == "match_documents" else {
            return DoubleResponse.json(["code": "PGRST202", "message": "Could not find the function"], status: .notFound)
        }
        guard let body = request.jsonObject, let query = body["query_embedding"] as? [Double] else {
            return DoubleResponse.json(["code": "PGRST102", "message": "query_embedding is required"], status: .badRequest)
        }
        let count = body["match_count"] as? Int ?? Int.max
        let filter = body["filter"] as? [String: Any] ?? [:]
        let matches = documents
            .filter { document in
                let metadata = document.metadata
                return filter.allSatisfy { key, value in "\(metadata[key] ?? "∅")" == "\(value)" }
            }
            .map { ($0, DoubleResponse.cosine(query, $0.embedding)) }
            .sorted { $0.1 > $1.1 }
            .prefix(count)
        return DoubleResponse.json(matches.map { document, similarity -> [String: Any] in
            ["id": document.id, "content": document.content, "metadata": document.metadata, "similarity": similarity]
        })
    }

    private func select(_ recorded: RecordedRequest, request: Request, table: String) throws -> Response {
        guard table == "documents" else { return DoubleResponse.json([], status: .ok) }
        let query = DoubleResponse.query(request)
        let rows = documents.filter { Self.matches($0, query) }
        let limit = query.first { $0.key == "limit" }.flatMap { Int($0.value) } ?? rows.count
        let page = rows.prefix(limit)
        // `Prefer: count=exact`: PostgREST puts the total after the slash of Content-Range.
        var headers: [String: String] = [:]
        if (recorded.header("Prefer") ?? "").contains("count=exact") {
            headers["Content-Range"] = page.isEmpty ? "*/\(rows.count)" : "0-\(page.count - 1)/\(rows.count)"
        }
        return DoubleResponse.json(page.map { ["content_hash": $0.contentHash.map { $0 as Any } ?? NSNull()] }, headers: headers)
    }

    private func insert(_ recorded: RecordedRequest, request: Request, table: String) throws -> Response {
        let prefer = recorded.header("Prefer") ?? ""
        let rows: [[String: Any]]
        if let array = (try? JSONSerialization.jsonObject(with: recorded.body)) as? [[String: Any]] {
            rows = array
        } else if let object = recorded.jsonObject {
            rows = [object]
        } else {
            return DoubleResponse.json(["code": "PGRST102", "message": "Empty or invalid json"], status: .badRequest)
        }
        switch table {
        case "documents":
            var inserted: [[String: Any]] = []
            let conflict = state.withLock { state -> Bool in
                for row in rows {
                    let hash = row["content_hash"] as? String
                    if let hash, state.documents.contains(where: { $0.contentHash == hash }) {
                        if prefer.contains("resolution=ignore-duplicates") { continue }
                        return true
                    }
                    let metadata = (try? JSONSerialization.data(withJSONObject: row["metadata"] ?? [:])) ?? Data("{}".utf8)
                    state.documents.append(StoredDocument(
                        id: state.nextID, content: row["content"] as? String ?? "", contentHash: hash,
                        embedding: row["embedding"] as? [Double] ?? [], metadataJSON: metadata
                    ))
                    state.nextID += 1
                    inserted.append(["content_hash": hash.map { $0 as Any } ?? NSNull()])
                }
                return false
            }
            if conflict { return DoubleResponse.json(["code": "23505", "message": "duplicate key value"], status: .conflict) }
            return prefer.contains("return=representation") ? DoubleResponse.json(inserted, status: .created) : Response(status: .created)
        case "proposals":
            let conflict = state.withLock { state -> Bool in
                for row in rows {
                    guard let jobID = row["job_id"] as? String else { continue }
                    if state.proposals[jobID] != nil && !prefer.contains("resolution=merge-duplicates") { return true }
                    state.proposals[jobID] = try? JSONSerialization.data(withJSONObject: row)
                }
                return false
            }
            if conflict { return DoubleResponse.json(["code": "23505", "message": "duplicate key value"], status: .conflict) }
            return Response(status: .created)
        default:
            return DoubleResponse.json(["code": "42P01", "message": "relation does not exist"], status: .notFound)
        }
    }

    private func delete(_ recorded: RecordedRequest, request: Request, table: String) throws -> Response {
        let filters = DoubleResponse.query(request)
        let removed = state.withLock { state -> [StoredDocument] in
            let removed = state.documents.filter { Self.matches($0, filters) }
            state.documents.removeAll { Self.matches($0, filters) }
            return removed
        }
        let prefer = recorded.header("Prefer") ?? ""
        return prefer.contains("return=representation")
            ? DoubleResponse.json(removed.map { ["content_hash": $0.contentHash.map { $0 as Any } ?? NSNull()] })
            : Response(status: .noContent)
    }

    /// PostgREST filters on `content_hash` and `metadata->>key`: `eq.`, `in.(…)`, `not.in.(…)`.
    private static func matches(_ document: StoredDocument, _ filters: [(key: String, value: String)]) -> Bool {
        for (key, filter) in filters where !["select", "on_conflict", "order", "limit"].contains(key) {
            let actual: String? = if key == "content_hash" {
                document.contentHash
            } else if key.hasPrefix("metadata->>") {
                document.metadata[String(key.dropFirst("metadata->>".count))].map { "\($0)" }
            } else {
                nil
            }
            if filter.hasPrefix("eq.") {
                if actual != String(filter.dropFirst(3)) { return false }
            } else if filter.hasPrefix("in.") {
                if !(actual.map { list(filter.dropFirst(3)).contains($0) } ?? false) { return false }
            } else if filter.hasPrefix("not.in.") {
                // As in SQL, NULL NOT IN (…) is not true.
                guard let actual, !list(filter.dropFirst(7)).contains(actual) else { return false }
            }
        }
        return true
    }

    private static func list(_ text: Substring) -> Set<String> {
        let inner = text.dropFirst().dropLast()
        return Set(inner.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) })
    }
}
