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
struct InProcessWorker: WorkerAPIClient {
    let baseURL: String
    let runtime: WorkerRuntime
    let metrics: TestMetrics
    let http: CurlHTTPClient
    /// The service group, to trigger a graceful shutdown (as SIGTERM does) from a test.
    let group: ServiceGroup

    /// Runs `body` against a started worker, then shuts it down gracefully and removes its data.
    /// Without `pipeline`, the worker runs the pipeline `serve` would build from `environment`
    /// (the embedded defaults unless provider keys are given). With `dataDirectory`, the worker
    /// uses (and leaves) that directory, e.g. one holding jobs a previous process left.
    static func with<Value: Sendable>(
        environment: [String: String] = [:],
        pipeline: (any JobPipeline)? = nil,
        dataDirectory: String? = nil,
        _ body: @Sendable (InProcessWorker) async throws -> Value
    ) async throws -> Value {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = try Config.load(environment: inProcessWorkerEnvironment(dataDirectory: dataDirectory ?? directory.path, environment))
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
        return try await withListeningServiceGroup(logger: logger, services: { runtime.services(onListening: $0) }) { group, baseURL in
            let worker = InProcessWorker(baseURL: baseURL, runtime: runtime, metrics: metrics, http: http, group: group)
            try await worker.waitUntilReady()
            return try await body(worker)
        }
    }

    private func waitUntilReady() async throws {
        for _ in 0..<200 {
            if try await get("/ping").status == 200 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WorkerProcessError(message: "in-process worker never became ready")
    }
}

extension HTTPClientResponse {
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

/// `[String: Any]` dictionary path lookup, e.g. `value(at: ["delivery", "status"])`.
func value(_ object: [String: Any], at path: [String]) -> Any? {
    var current: Any? = object
    for key in path {
        current = (current as? [String: Any])?[key]
    }
    return current
}
