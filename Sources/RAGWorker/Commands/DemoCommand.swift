import ArgumentParser
import Curl
import Foundation
import Logging
import RAGPipeline
import ServiceLifecycle
import Telemetry

/// `rag-worker demo`: the whole flow on this machine. Starts the worker on a loopback port with
/// a fresh data directory, posts a job over HTTP as n8n would, waits for the webhook delivery
/// (the local sink unless `WEBHOOK_URL` is set), and prints the proposal and stage timings.
/// With provider keys in the environment the same command uses the real providers.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run one job end to end on this machine and print the proposal and stage timings."
    )

    @Option(help: "A job posting as JSON (see fixtures/jobs/). Default: a built-in sample.")
    var job: String?

    @Option(help: "Data directory to use. Default: a new temporary directory.")
    var dataDir: String?

    @Option(help: "Give up after this many seconds.")
    var timeout: Double = 130

    func run() async throws {
        let body = try job.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? Data(DemoCommand.sampleJob.utf8)
        let directory = dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("rag-worker-demo-\(UUID().uuidString.prefix(8))").path
        var environment = ProcessInfo.processInfo.environment
        environment["RAG_DATA_DIR"] = directory
        environment["HOST"] = "127.0.0.1"
        environment["PORT"] = "0"
        let config: Config
        do {
            config = try Config.load(environment: environment)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("rag-worker: \(error)\n".utf8))
            throw ExitCode(78)
        }
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        // Telemetry as `serve` has it, without log lines on stdout: spans and logs go to the ring
        // buffer of the demo's data directory (`rag-worker postmortem` reads them afterwards).
        let telemetry = try TelemetrySystem.worker(config: config, environment: environment, httpClient: httpClient, logOutput: nil)
        var logger = telemetry.makeLogger(label: "rag-worker.demo")
        logger.logLevel = .warning
        let components = try await PipelineFactory.make(
            settings: config.pipelineSettings(), httpClient: httpClient,
            tracer: telemetry.tracer, metrics: telemetry.metricsFactory, logger: logger)
        let runtime = try WorkerRuntime(
            config: config, pipeline: components.pipeline, httpClient: httpClient,
            metricsFactory: telemetry.metricsFactory, tracer: telemetry.tracer, logger: logger,
            postgresClient: components.postgresClient
        )
        print("RAG Worker demo — data directory \(directory)\n")
        components.summary.forEach { print("  \($0)") }
        if components.sqliteDatabase != nil, components.postgresClient == nil {
            // The embedded store starts empty: give retrieval the bundled past work (idempotent).
            let report = try await components.ingestor(logger: logger).ingestSampleCorpus()
            print("\n  past work in the embedded store: \(report)")
        }
        print("")

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: runtime.services(
                telemetry: telemetry.services + (components.postgresClient.map { [$0] } ?? []),
                onListening: { portContinuation.yield($0) }),
            logger: logger
        ))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var port = 0
            for await value in ports {
                port = value
                break
            }
            do {
                let view = try await DemoClient(baseURL: "http://127.0.0.1:\(port)", httpClient: httpClient, config: config)
                    .submitAndWait(body, timeout: .seconds(timeout))
                let delivered = try runtime.deliveredPayload(jobID: view.jobID)
                print(DemoReport(job: view, delivered: delivered).text)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static let sampleJob = """
        {"job_id": "demo-1", "title": "Build a RAG chatbot over our support articles",
         "description": "We need a chatbot that answers customers from our help-center articles with citations.",
         "skills": ["LLM", "RAG", "OpenAI API", "PostgreSQL"], "questions": ["How would you measure answer quality?"]}
        """
}
