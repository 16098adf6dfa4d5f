import Curl
import Foundation
import Logging
import MetricsTestKit
import RAGPipeline
import ServiceLifecycle
import TestSupport
import Tracing

@testable import RAGWorker

/// The worker's whole runtime (HTTP server, runner, outbox) in this process, on a loopback port
/// with its own temporary data directory.
struct InProcessWorker: Sendable {
    let baseURL: String
    let runtime: WorkerRuntime
    let metrics: TestMetrics
    let http: CurlHTTPClient
    /// The service group, to trigger a graceful shutdown (as SIGTERM does) from a test.
    let group: ServiceGroup

    /// Runs `body` against a started worker, then shuts it down gracefully and removes its data.
    /// Without `pipeline`, the worker runs the pipeline `serve` would build from `environment`
    /// (the embedded defaults unless provider keys are given).
    static func with<Value: Sendable>(
        environment: [String: String] = [:],
        pipeline: (any JobPipeline)? = nil,
        _ body: @Sendable (InProcessWorker) async throws -> Value
    ) async throws -> Value {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var merged = ["RAG_DATA_DIR": directory.path, "HOST": "127.0.0.1", "PORT": "0", "RAG_SHUTDOWN_GRACE_SECONDS": "5"]
        merged.merge(environment) { _, new in new }
        let config = try Config.load(environment: merged)
        var logger = Logger(label: "test.worker")
        logger.logLevel = .critical
        let metrics = TestMetrics()
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let configured = try await PipelineFactory.make(
            settings: config.pipelineSettings(), httpClient: http, tracer: NoOpTracer(), metrics: metrics, logger: logger)
        let runtime = try WorkerRuntime(
            config: config, pipeline: pipeline ?? configured.pipeline, httpClient: http, metricsFactory: metrics, tracer: NoOpTracer(), logger: logger
        )
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(services: runtime.services(onListening: { portContinuation.yield($0) }), logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports {
                port = value
                break
            }
            let worker = InProcessWorker(baseURL: "http://127.0.0.1:\(port)", runtime: runtime, metrics: metrics, http: http, group: group)
            try await worker.waitUntilReady()
            do {
                let value = try await body(worker)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    private func waitUntilReady() async throws {
        for _ in 0..<200 {
            if try await get("/ping").status == 200 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WorkerProcessError(message: "in-process worker never became ready")
    }

    func post(_ path: String, body: Data, headers: HTTPHeaders = ["Content-Type": "application/json"]) async throws -> HTTPClientResponse {
        try await http.execute(HTTPClientRequest(method: .post, url: baseURL + path, headers: headers, body: body, timeout: .seconds(10)))
    }

    func postJob(_ json: String, headers: HTTPHeaders = ["Content-Type": "application/json"]) async throws -> HTTPClientResponse {
        try await post("/invocations", body: Data(json.utf8), headers: headers)
    }

    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> HTTPClientResponse {
        try await http.execute(HTTPClientRequest(method: .get, url: baseURL + path, headers: headers, timeout: .seconds(10)))
    }

    /// Polls `GET /jobs/{id}` until `condition` holds.
    func waitForJob(_ id: String, headers: HTTPHeaders = [:], timeout: Duration = .seconds(20), until condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            let response = try await get("/jobs/\(IntakeController.pathComponent(id))", headers: headers)
            last = response.json
            if response.status == 200, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WorkerProcessError(message: "job \(id) did not reach the expected state; last: \(last)")
    }
}

extension HTTPClientResponse {
    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
    }

    /// `error.code` of an API error body.
    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    /// `error.fields` of an API error body, as path → problem.
    var errorFields: [String: String] {
        let fields = ((json["error"] as? [String: Any])?["fields"] as? [[String: String]]) ?? []
        return Dictionary(fields.map { ($0["path"] ?? "", $0["problem"] ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}

/// A valid job document with the given id.
func sampleJob(id: String, extra: String = "") -> String {
    #"{"job_id": "\#(id)", "title": "Build a Swift service", "description": "We need a server in Swift."\#(extra)}"#
}

/// `[String: Any]` dictionary path lookup, e.g. `value(at: ["delivery", "status"])`.
func value(_ object: [String: Any], at path: [String]) -> Any? {
    var current: Any? = object
    for key in path {
        current = (current as? [String: Any])?[key]
    }
    return current
}
