import Curl
import Foundation

/// Calls to a running worker's HTTP API, shared by the helpers that start the worker in process
/// (they live in different test targets, since only test targets may import the `RAGWorker`
/// executable).
public protocol WorkerAPIClient: Sendable {
    /// `http://127.0.0.1:<port>` of the worker.
    var baseURL: String { get }
    var http: CurlHTTPClient { get }
}

extension WorkerAPIClient {
    public func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> HTTPClientResponse {
        try await http.execute(HTTPClientRequest(method: .get, url: baseURL + path, headers: headers, timeout: .seconds(10)))
    }

    public func post(_ path: String, body: Data, headers: HTTPHeaders = ["Content-Type": "application/json"]) async throws -> HTTPClientResponse {
        try await http.execute(HTTPClientRequest(method: .post, url: baseURL + path, headers: headers, body: body, timeout: .seconds(10)))
    }

    /// `POST /invocations` with `json` as the body.
    public func postJob(_ json: String, headers: HTTPHeaders = ["Content-Type": "application/json"]) async throws -> HTTPClientResponse {
        try await post("/invocations", body: Data(json.utf8), headers: headers)
    }

    /// Polls `GET /jobs/{id}` (the id as one percent-encoded path segment) until it answers 200
    /// with a body for which `condition` holds; returns that body.
    public func waitForJob(
        _ id: String, headers: HTTPHeaders = [:], timeout: Duration = .seconds(20), until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let segment = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            let response = try await get("/jobs/\(segment)", headers: headers)
            last = response.json
            if response.status == 200, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WorkerProcessError(message: "job \(id) did not reach the expected state; last: \(last)")
    }
}
