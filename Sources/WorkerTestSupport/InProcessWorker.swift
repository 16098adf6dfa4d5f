import Curl
import Foundation
import Logging
import MetricsTestKit
import RAGPipeline
import ServiceLifecycle
import Telemetry
import TestSupport
import Tracing

@testable import RAGWorker

/// The worker's whole runtime (HTTP server, runner, outbox) in this process, on a loopback port:
/// the one helper every test target uses to drive a worker in process.
///
/// Two ways to start it: ``with(environment:pipeline:dataDirectory:_:)`` records metrics in a
/// `TestMetrics` and traces nothing; ``withTelemetry(dataDirectory:environment:destinations:pipeline:_:)``
/// wires a ``TelemetrySystem`` as `rag-worker serve` does (the same tracer, metrics factory and
/// loggers, its services first in the group, so they are shut down last and record the others'
/// final spans).
///
/// It lives in a target of its own because only test targets may link the `RAGWorker`
/// executable: a test target that uses it also depends on `RAGWorker`, and imports it with
/// `@testable` (its members are internal, as `RAGWorker`'s types are).
struct InProcessWorker: WorkerAPIClient {
    let baseURL: String
    let runtime: WorkerRuntime
    /// The worker's metrics when it runs without a telemetry system; empty with one (its
    /// metrics go to the system).
    let metrics: TestMetrics
    let http: CurlHTTPClient
    /// The service group, to trigger a graceful shutdown (as SIGTERM does) from a test.
    let group: ServiceGroup
    /// The telemetry system, when started with ``withTelemetry(dataDirectory:environment:destinations:pipeline:_:)``.
    var system: TelemetrySystem? = nil

    /// Runs `body` against a started worker (`GET /ping` answers 200), then shuts it down
    /// gracefully. Without `pipeline`, the worker runs the pipeline `serve` would build from
    /// `environment` (the embedded defaults unless provider keys are given). Without
    /// `dataDirectory` it uses a temporary directory and removes it afterwards; with one, it uses
    /// (and leaves) that directory, e.g. one holding jobs a previous process left.
    static func with<Value: Sendable>(
        environment: [String: String] = [:],
        pipeline: (any JobPipeline)? = nil,
        dataDirectory: String? = nil,
        _ body: @Sendable (InProcessWorker) async throws -> Value
    ) async throws -> Value {
        let temporary = dataDirectory == nil ? try TemporaryDirectory() : nil
        defer { temporary?.remove() }
        let directory = dataDirectory ?? temporary?.path ?? ""
        let config = try Config.load(environment: inProcessWorkerEnvironment(dataDirectory: directory, environment))
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
        return try await run(runtime, metrics: metrics, http: http, system: nil, logger: logger) { worker in
            try await worker.waitUntilReady()
            return try await body(worker)
        }
    }

    /// Runs `body` against a worker with its data in `dataDirectory` and a ``TelemetrySystem``
    /// configured from `environment` (telemetry switches included), exporting to `destinations`,
    /// then shuts it down gracefully.
    ///
    /// - Parameter pipeline: the job pipeline, given the system (its tracer and metrics factory).
    static func withTelemetry<Value: Sendable>(
        dataDirectory: String, environment: [String: String], destinations: CloudWatchDestinations?,
        pipeline: (TelemetrySystem) -> any JobPipeline,
        _ body: @Sendable (InProcessWorker) async throws -> Value
    ) async throws -> Value {
        let merged = inProcessWorkerEnvironment(dataDirectory: dataDirectory, environment)
        let config = try Config.load(environment: merged)
        let system = try TelemetrySystem(configuration: try TelemetryConfiguration(environment: merged), logLevel: .info,
                                         destinations: destinations, logOutput: nil)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let runtime = try WorkerRuntime(
            config: config, pipeline: pipeline(system), httpClient: http,
            metricsFactory: system.metricsFactory, tracer: system.tracer, logger: system.makeLogger(label: "rag-worker"),
            contentCapture: system.contentCapture)
        var quiet = Logger(label: "test.group")
        quiet.logLevel = .critical
        return try await run(runtime, metrics: TestMetrics(), http: http, system: system, logger: quiet, body)
    }

    /// Runs the runtime's services (the telemetry system's first) while `body` runs.
    private static func run<Value: Sendable>(
        _ runtime: WorkerRuntime, metrics: TestMetrics, http: CurlHTTPClient, system: TelemetrySystem?, logger: Logger,
        _ body: @Sendable (InProcessWorker) async throws -> Value
    ) async throws -> Value {
        let telemetry = system?.services ?? []
        return try await withListeningServiceGroup(logger: logger, services: { runtime.services(telemetry: telemetry, onListening: $0) }) { group, baseURL in
            try await body(InProcessWorker(baseURL: baseURL, runtime: runtime, metrics: metrics, http: http, group: group, system: system))
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
