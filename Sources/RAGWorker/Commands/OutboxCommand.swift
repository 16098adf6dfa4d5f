import ArgumentParser
import Curl
import Foundation
import Logging
import Metrics
import RAGPipeline
import Telemetry
import Tracing

/// `rag-worker outbox`: inspect and redeliver webhook deliveries.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Inspect dead-lettered webhook deliveries and deliver them again.",
        subcommands: [OutboxListCommand.self, OutboxRetryCommand.self]
    )
}

/// `rag-worker outbox list`: the dead letters, oldest first.
struct OutboxListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List dead-lettered deliveries.")

    @Option(help: "Show at most this many.")
    var limit = 100

    func run() async throws {
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: httpClient)
        let letters = try await withWorkerRuntime(config: config, httpClient: httpClient) { runtime in
            try await runtime.store.deadLetters(limit: limit)
        }
        if letters.isEmpty {
            print("No dead letters.")
            return
        }
        print("job id\tattempts\tlast status\tlast error\tfinished at")
        for letter in letters {
            let status = letter.lastStatus.map(String.init) ?? "-"
            // Job ids and receiver errors are other people's text: escaped, they cannot act on the terminal.
            print("\(TerminalText.escaped(letter.jobID))\t\(letter.attempts)\t\(status)\t\(TerminalText.escaped(letter.lastError ?? "-"))\t\(letter.createdAt.ISO8601Format())")
        }
    }
}

/// `rag-worker outbox retry`: makes dead letters due again and, unless told not to, delivers
/// them right away (a running server would also pick them up within seconds).
struct OutboxRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Redeliver dead-lettered deliveries.")

    @Option(name: .customLong("job"), help: "Redeliver only this job (repeatable). Default: every dead letter.")
    var jobIDs: [String] = []

    @Flag(help: "Only queue them again; leave delivery to the running server.")
    var queueOnly = false

    func run() async throws {
        let httpClient = CurlHTTPClient()
        defer { httpClient.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: httpClient)
        try await withWorkerRuntime(config: config, httpClient: httpClient) { runtime in
            try await retry(runtime)
        }
    }

    private func retry(_ runtime: WorkerRuntime) async throws {
        let selected = jobIDs.isEmpty ? try await runtime.store.deadLetters(limit: 100_000).map(\.jobID) : jobIDs
        let requeued = try await runtime.store.requeueDeadLetters(jobIDs: jobIDs.isEmpty ? nil : jobIDs)
        print("Queued \(requeued) dead letter\(requeued == 1 ? "" : "s") for redelivery to \(runtime.webhookSender.destination).")
        guard !queueOnly, requeued > 0 else { return }

        let outbox = runtime.outbox
        while await outbox.deliverDueBatch() > 0 {}
        var failures = 0
        for id in selected {
            guard let delivery = try await runtime.store.job(id: id)?.delivery else { continue }
            let detail = delivery.lastError.map { " (\($0))" } ?? ""
            print(TerminalText.escaped("\(id): \(delivery.state.rawValue) after \(delivery.attempts) attempt\(delivery.attempts == 1 ? "" : "s")\(detail)"))
            if delivery.state != .delivered { failures += 1 }
        }
        if failures > 0 {
            print("\(failures) not delivered yet: a running server retries pending ones; dead ones need another `outbox retry`.")
            throw ExitCode(1)
        }
    }
}

/// Runs `body` with the worker's runtime on the configured job store (SQLite in the data
/// directory, or Postgres with `DATABASE_URL`, its client running meanwhile), without serving.
private func withWorkerRuntime<Value: Sendable>(
    config: Config, httpClient: CurlHTTPClient, _ body: @Sendable (WorkerRuntime) async throws -> Value
) async throws -> Value {
    try requireExistingJobStore(config)
    let logger = bootstrapLogging(level: config.logLevel)
    return try await PipelineFactory.withComponents(settings: config.pipelineSettings(), httpClient: httpClient, logger: logger) { components in
        let runtime = try WorkerRuntime(
            config: config, pipeline: components.pipeline, httpClient: httpClient,
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer(), logger: logger,
            postgresClient: components.postgresClient)
        return try await body(runtime)
    }
}

/// Refuses to open (and so create) an empty SQLite job store: an operator command run where no
/// worker ever ran would otherwise answer "No dead letters" for a fleet whose jobs live in
/// Postgres, or on an instance the operator is not on.
func requireExistingJobStore(_ config: Config) throws {
    guard !config.usesPostgres else { return }
    let path = (config.dataDirectory as NSString).appendingPathComponent(SQLiteJobStore.fileName)
    guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("""
            no job store at \(path): no worker ran with RAG_DATA_DIR=\(config.dataDirectory) here. A deployed \
            worker keeps its jobs in Postgres: run this with RAG_SECRET_ID=<the stack's secret> (and AWS \
            credentials that may read it) or DATABASE_URL, or point RAG_DATA_DIR at the worker's data directory
            """)
    }
}
