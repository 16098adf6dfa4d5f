import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import ServiceLifecycle
import Synchronization
import Telemetry
import Tracing

/// The worker overhead benchmark of `rag-worker bench pipeline`: the whole worker in this
/// process (HTTP intake, SQLite job store, runner, real pipeline with OpenAI/Cohere providers,
/// outbox, signed webhook) against ``BenchProviders`` on loopback that answer after fixed delays.
///
/// `inFlight` clients each post a job and wait for its webhook before posting the next. A job's
/// worker overhead is the time from the POST to the webhook's arrival minus the time the
/// providers' handlers spent on it (their delays, measured).
struct WorkerOverheadBench {
    var jobs: Int
    var inFlight: Int
    var delays: BenchProviders.Delays

    struct Result {
        var overheads: [Double]
        var endToEnd: [Double]
        var providerTimes: [Double]
        /// Per job: stage time not spent in providers, accept to claim, finish to webhook arrival (ms).
        var stageOverheads: [Double] = []
        var queueWaits: [Double] = []
        var deliveryTimes: [Double] = []
        /// Mean milliseconds per stage, in stage order.
        var stageMeans: [(String, Double)] = []
        /// Per stage, in stage order: each job's stage time minus its provider's time (ms).
        var stageOverheadsByStage: [(String, [Double])] = []
        var seconds: Double
        /// CPU stolen by the hypervisor during the measured run, in percent (nil when unknown).
        var stealPercent: Double?
    }

    func run(logger: Logger) async throws -> Result {
        let providers = BenchProviders(delays: delays)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rag-bench-worker-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let http = CurlHTTPClient()
        defer { http.shutdown() }

        let (providerPorts, providerPort) = AsyncStream.makeStream(of: Int.self)
        let providerApp = BenchProviderServer(providers: providers, host: "127.0.0.1", port: 0, logger: logger,
                                              onListening: { providerPort.yield($0) })
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            let providerGroup = ServiceGroup(configuration: .init(services: [providerApp], logger: logger))
            tasks.addTask { try await providerGroup.run() }
            var base = ""
            for await port in providerPorts { base = "http://127.0.0.1:\(port)"; break }

            let config = try Config.load(environment: [
                "RAG_DATA_DIR": directory.path, "HOST": "127.0.0.1", "PORT": "0", "LOG_LEVEL": "error",
                "RAG_CONCURRENCY": "\(inFlight)", "RAG_MAX_BACKLOG": "10000",
                "OPENAI_API_KEY": "sk-bench-0000", "OPENAI_BASE_URL": base + "/v1",
                "COHERE_API_KEY": "cohere-bench-0000", "COHERE_BASE_URL": base,
                "WEBHOOK_URL": base + "/webhook", "WEBHOOK_SECRET": "whsec-bench-0000",
            ])
            let components = try await PipelineFactory.make(
                settings: config.pipelineSettings(), httpClient: http, tracer: NoOpTracer(), metrics: NOOPMetricsHandler.instance, logger: logger)
            _ = try await components.ingestor(logger: logger).ingestSampleCorpus()
            let runtime = try WorkerRuntime(config: config, pipeline: components.pipeline, httpClient: http,
                                            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer(), logger: logger)
            let (workerPorts, workerPort) = AsyncStream.makeStream(of: Int.self)
            let worker = ServiceGroup(configuration: .init(services: runtime.services(onListening: { workerPort.yield($0) }), logger: logger))
            tasks.addTask { try await worker.run() }
            var intake = ""
            for await port in workerPorts { intake = "http://127.0.0.1:\(port)/invocations"; break }
            try await waitForReadiness(intake.replacingOccurrences(of: "/invocations", with: "/ping"), http: http)

            // Warm-up (connections, caches), then the measured run.
            _ = try await drive(jobs: inFlight * 2, offset: 0, intake: intake, providers: providers, http: http)
            let started = ContinuousClock.now
            let steal = CPUStealMeter()
            var result = try await drive(jobs: jobs, offset: inFlight * 2, intake: intake, providers: providers, http: http)
            result.seconds = (ContinuousClock.now - started).seconds
            result.stealPercent = steal.percentSinceStart
            var perStage: [String: [Double]] = [:]
            var perStageOverhead: [String: [Double]] = [:]
            for index in (inFlight * 2)..<(inFlight * 2 + jobs) {
                guard let record = try await runtime.store.job(id: "bench-job-\(index)"), let startedAt = record.startedAt,
                      let finishedAt = record.finishedAt, let deliveredAt = record.delivery?.deliveredAt else { continue }
                let stages = record.stageTimings.reduce(0) { $0 + $1.milliseconds }
                for timing in record.stageTimings {
                    perStage[timing.stage.rawValue, default: []].append(timing.milliseconds)
                    let provider = BenchProviders.path(of: timing.stage).map { providers.providerTime(of: record.id, path: $0).seconds * 1000 } ?? 0
                    perStageOverhead[timing.stage.rawValue, default: []].append(timing.milliseconds - provider)
                }
                result.stageOverheads.append(stages - providers.providerTime(of: record.id).seconds * 1000)
                result.queueWaits.append(startedAt.timeIntervalSince(record.acceptedAt) * 1000)
                result.deliveryTimes.append(deliveredAt.timeIntervalSince(finishedAt) * 1000)
            }
            result.stageMeans = StageTimeouts.pipelineStages.map { stage in
                let values = perStage[stage.rawValue] ?? []
                return (stage.rawValue, values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count))
            }
            result.stageOverheadsByStage = StageTimeouts.pipelineStages.compactMap { stage in
                perStageOverhead[stage.rawValue].map { (stage.rawValue, $0) }
            }
            await worker.triggerGracefulShutdown()
            await providerGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }

    private func drive(jobs: Int, offset: Int, intake: String, providers: BenchProviders, http: CurlHTTPClient) async throws -> Result {
        let next = Counter(offset)
        let last = offset + jobs
        let samples = try await withThrowingTaskGroup(of: [(Double, Double, Double)].self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var samples: [(Double, Double, Double)] = []
                    while let index = next.take(below: last) {
                        let id = "bench-job-\(index)"
                        let body = #"{"job_id":"\#(id)","title":"\#(id): Swift and AWS data pipeline","description":"Move nightly CSV imports to S3, Lambda and RDS with alerting; \#(id).","skills":["Swift","AWS","Python"],"questions":["q"]}"#
                        let posted = ContinuousClock.now
                        let response = try await http.execute(HTTPClientRequest(
                            method: .post, url: intake, headers: ["Content-Type": "application/json"], body: Data(body.utf8), timeout: .seconds(10)))
                        guard response.status == 202 else { throw BenchError(message: "intake answered \(response.status)") }
                        let arrived = await providers.arrival(of: id)
                        let total = (arrived - posted).seconds * 1000
                        let provider = providers.providerTime(of: id).seconds * 1000
                        samples.append((total - provider, total, provider))
                    }
                    return samples
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return Result(overheads: samples.map { $0.0 }, endToEnd: samples.map { $0.1 }, providerTimes: samples.map { $0.2 }, seconds: 0)
    }

    private func waitForReadiness(_ ping: String, http: CurlHTTPClient) async throws {
        for _ in 0..<400 {
            if let response = try? await http.execute(HTTPClientRequest(method: .get, url: ping, timeout: .seconds(1))), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw BenchError(message: "the worker did not become ready")
    }
}

/// Hands out job numbers to the clients.
private final class Counter: Sendable {
    private let value: Mutex<Int>

    init(_ start: Int) {
        value = Mutex(start)
    }

    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
