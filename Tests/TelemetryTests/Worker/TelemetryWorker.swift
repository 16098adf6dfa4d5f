import Curl
import Foundation
import Logging
import ServiceLifecycle
import Telemetry
import TestSupport
@testable import RAGWorker

/// The worker's runtime wired to a ``TelemetrySystem`` as `rag-worker serve` should be: the same
/// tracer, metrics factory and loggers, and the telemetry services first in the service group
/// (shut down last, so they record the others' final spans and flush them).
///
/// RAGWorkerTests' `InProcessWorker` is its counterpart without telemetry; what both need lives
/// in TestSupport (``WorkerAPIClient``, `withListeningServiceGroup`).
struct TelemetryWorker: WorkerAPIClient {
    let baseURL: String
    let system: TelemetrySystem
    let http: CurlHTTPClient
    let group: ServiceGroup

    /// Runs a worker with its data in `dataDirectory` and `environment` (telemetry switches
    /// included) for the duration of `body`, then shuts it down gracefully.
    static func with<Value: Sendable>(
        dataDirectory: String, environment: [String: String], destinations: CloudWatchDestinations?,
        _ body: @Sendable (TelemetryWorker) async throws -> Value
    ) async throws -> Value {
        let merged = inProcessWorkerEnvironment(dataDirectory: dataDirectory, environment)
        let config = try Config.load(environment: merged)
        let system = try TelemetrySystem(configuration: try TelemetryConfiguration(environment: merged), logLevel: .info,
                                         destinations: destinations, logOutput: nil)
        let logger = system.makeLogger(label: "rag-worker")
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let runtime = try WorkerRuntime(
            config: config, pipeline: ScriptedPipeline(tracer: system.tracer, metrics: system.metricsFactory), httpClient: http,
            metricsFactory: system.metricsFactory, tracer: system.tracer, logger: logger)
        var quiet = Logger(label: "test.group")
        quiet.logLevel = .critical
        return try await withListeningServiceGroup(
            logger: quiet, services: { runtime.services(telemetry: system.services, onListening: $0) }
        ) { group, baseURL in
            try await body(TelemetryWorker(baseURL: baseURL, system: system, http: http, group: group))
        }
    }

    /// Posts a job; returns the 202 answer's trace id.
    func accept(_ id: String) async throws -> String {
        let response = try await postJob(sampleJob(id: id))
        guard response.status == 202, let traceID = response.json["trace_id"] as? String
        else { throw WorkerProcessError(message: "job \(id) was not accepted: \(response.status)") }
        return traceID
    }

    func status(_ path: String) async throws -> Int {
        try await get(path).status
    }

    /// Polls `GET /jobs/{id}` until the job succeeded or failed; returns which.
    func waitUntilFinished(_ id: String, timeout: Duration = .seconds(30)) async throws -> String {
        let job = try await waitForJob(id, timeout: timeout) { ["succeeded", "failed"].contains($0["status"] as? String) }
        return job["status"] as? String ?? ""
    }
}
