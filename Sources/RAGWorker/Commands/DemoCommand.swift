import ArgumentParser
import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import ServiceLifecycle
import Tracing

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
        var logger = Logger(label: "rag-worker.demo")
        logger.logLevel = .warning
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let runtime = try WorkerRuntime(
            config: config, pipeline: MinimalPipeline(), httpClient: httpClient,
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer(), logger: logger
        )
        print("RAG Worker demo — data directory \(directory)\n")
        for (stage, provider) in config.stageProviders {
            print("  \(stage.padding(toLength: 15, withPad: " ", startingAt: 0))\(provider)")
        }
        print("")

        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(configuration: .init(
            services: runtime.services(onListening: { portContinuation.yield($0) }), logger: logger
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
