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
struct TelemetryWorker: Sendable {
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
        var merged = ["RAG_DATA_DIR": dataDirectory, "HOST": "127.0.0.1", "PORT": "0", "RAG_SHUTDOWN_GRACE_SECONDS": "5"]
        merged.merge(environment) { _, new in new }
        let config = try Config.load(environment: merged)
        let system = try TelemetrySystem(configuration: try TelemetryConfiguration(environment: merged), logLevel: .info,
                                         destinations: destinations, logOutput: nil)
        let logger = system.makeLogger(label: "rag-worker")
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let runtime = try WorkerRuntime(
            config: config, pipeline: ScriptedPipeline(tracer: system.tracer), httpClient: http,
            metricsFactory: system.metricsFactory, tracer: system.tracer, logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let services = runtime.services(telemetry: system.services, onListening: { portContinuation.yield($0) })
        var quiet = Logger(label: "test.group")
        quiet.logLevel = .critical
        let group = ServiceGroup(configuration: .init(services: services, logger: quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports {
                port = value
                break
            }
            let worker = TelemetryWorker(baseURL: "http://127.0.0.1:\(port)", system: system, http: http, group: group)
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

    /// Posts a job; returns the 202 answer's trace id.
    func accept(_ id: String) async throws -> String {
        let body = #"{"job_id": "\#(id)", "title": "Build a Swift service", "description": "We need a server in Swift."}"#
        let response = try await http.execute(HTTPClientRequest(
            method: .post, url: baseURL + "/invocations", headers: ["Content-Type": "application/json"], body: Data(body.utf8), timeout: .seconds(10)))
        guard response.status == 202, let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
              let traceID = object["trace_id"] as? String
        else { throw WorkerProcessError(message: "job \(id) was not accepted: \(response.status)") }
        return traceID
    }

    func status(_ path: String) async throws -> Int {
        try await http.execute(HTTPClientRequest(method: .get, url: baseURL + path, timeout: .seconds(10))).status
    }

    /// Polls `GET /jobs/{id}` until the job succeeded or failed; returns which.
    func waitUntilFinished(_ id: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let response = try await http.execute(HTTPClientRequest(method: .get, url: baseURL + "/jobs/\(id)", timeout: .seconds(10)))
            if let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
               let status = object["status"] as? String, status == "succeeded" || status == "failed" {
                return status
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw WorkerProcessError(message: "job \(id) did not finish")
    }
}
