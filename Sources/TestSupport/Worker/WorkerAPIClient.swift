import Curl
import Foundation

/// Calls to a running worker's HTTP API, for the helper that starts the worker in process
/// (`InProcessWorker`, in the WorkerTestSupport target, which links the `RAGWorker` executable).
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

    /// Posts ``sampleJob(id:)`` and returns the 202 answer's trace id.
    public func accept(_ id: String) async throws -> String {
        let response = try await postJob(sampleJob(id: id))
        guard response.status == 202, let traceID = response.json["trace_id"] as? String
        else { throw WorkerProcessError(message: "job \(id) was not accepted: \(response.status)") }
        return traceID
    }

    /// The status code `GET path` answers.
    public func status(_ path: String) async throws -> Int {
        try await get(path).status
    }

    /// Polls `GET /jobs/{id}` until the job succeeded or failed; returns which.
    public func waitUntilFinished(_ id: String, timeout: Duration = .seconds(30)) async throws -> String {
        let job = try await waitForJob(id, timeout: timeout) { ["succeeded", "failed"].contains($0["status"] as? String) }
        return job["status"] as? String ?? ""
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
