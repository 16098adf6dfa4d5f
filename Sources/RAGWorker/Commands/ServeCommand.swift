import AWS
import ArgumentParser
import Curl
import Foundation
import Logging
import RAGPipeline
import Telemetry
import ServiceLifecycle
import UnixSignals

/// `rag-worker serve`: the SageMaker entry point (`docker run IMAGE serve`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server, the job runner and the webhook outbox until SIGTERM."
    )

    func run() async throws {
        let httpClient = CurlHTTPClient()
        let environment = ProcessInfo.processInfo.environment
        let (config, secret) = try await loadConfigOrExit(httpClient: httpClient)
        let lock = try DataDirectoryLock(directory: config.dataDirectory)
        // One shutdown budget for the whole process: the runner, the outbox and telemetry keep to it.
        let drain = WorkerRuntime.drainBudget(config)
        // Telemetry first: every later logger, span and metric goes through it.
        let telemetry = try TelemetrySystem.worker(config: config, environment: environment, httpClient: httpClient, drain: drain)
        telemetry.bootstrapGlobally()
        let logger = telemetry.makeLogger(label: "rag-worker")
        let refreshService = secret.map {
            SecretRefreshService(secret: $0, secretID: config.secretID ?? "", secrets: config.secrets, interval: config.secretTTL, logger: logger)
        }
        // The pipeline's providers follow the configuration; with DATABASE_URL its Postgres client
        // also serves the shared job store.
        let components = try await PipelineFactory.make(
            settings: config.pipelineSettings(refreshSecrets: { await refreshService?.refreshAfterRejection() }), httpClient: httpClient,
            tracer: telemetry.tracer, metrics: telemetry.metricsFactory, logger: logger
        )
        let runtime = try WorkerRuntime(
            config: config, pipeline: components.pipeline, httpClient: httpClient,
            metricsFactory: telemetry.metricsFactory, tracer: telemetry.tracer, logger: logger,
            postgresClient: components.postgresClient, drain: drain, contentCapture: telemetry.contentCapture,
            refreshSecrets: { await refreshService?.refreshAfterRejection() }
        )
        logger.info("rag-worker starting", metadata: [
            "port": "\(config.port)", "profile": "\(config.profile.rawValue)", "platform": "\(config.platform.rawValue)",
            "data.dir": "\(config.dataDirectory)",
            "concurrency": "\(config.concurrency)", "webhook": "\(runtime.webhookSender.destination)",
            "pipeline": "\(components.summary.joined(separator: "; "))",
            "cloudwatch": "\(config.telemetry.cloudWatchEnabled ? config.telemetry.logGroupName : "off")",
            "capture": "\(config.telemetry.contentCapture)",
        ])
        for warning in config.warnings {
            logger.warning("configuration: \(warning)")
        }
        if config.profile == .production && !config.usesPostgres {
            logger.warning("""
                jobs and undelivered results are kept on this instance's disk (no DATABASE_URL): \
                an instance that is replaced takes them with it; set DATABASE_URL to keep them in Postgres
                """)
        }
        // Services stop in reverse order: the server and runner first, then the secret refresh and
        // the Postgres client, telemetry last (it records the others' final spans and flushes them).
        let database: [any Service] = components.postgresClient.map { [$0] } ?? []
        let refresh: [any Service] = refreshService.map { [$0] } ?? []
        var groupConfiguration = ServiceGroupConfiguration(
            services: runtime.services(telemetry: telemetry.services + database + refresh, onListening: { port in
                logger.info("listening", metadata: ["host": "\(config.host)", "port": "\(port)"])
            }) + [RetrievalStoreCheck(components: components, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // Every service keeps within the drain budget; a second past its end, escalate to
        // cancellation (each bookkeeping write runs outside the cancelled tasks, time-limited).
        // The budget's exit margin covers this second, the stdout drain at exit and the exit.
        groupConfiguration.maximumGracefulShutdownDuration = config.shutdownGrace + .seconds(1)
        try await ServiceGroup(configuration: groupConfiguration).run()
        httpClient.shutdown()
        // Telemetry has flushed and stopped; this line reaches standard output only.
        logger.info("rag-worker stopped")
        withExtendedLifetime(lock) {}
    }
}


/// Loads the configuration with the Secrets Manager override (when `RAG_SECRET_ID` is set), or
/// prints every problem and exits 78.
func loadConfigOrExit(httpClient: any HTTPClient) async throws -> (Config, CachedSecret?) {
    var logger = Logger(label: "rag-worker.config")
    logger.logLevel = .warning
    do {
        return try await Config.load(environment: ProcessInfo.processInfo.environment, httpClient: httpClient, logger: logger)
    } catch let error as ConfigError {
        FileHandle.standardError.write(Data("rag-worker: \(error)\n".utf8))
        throw ExitCode(78)
    } catch let error as SLOFileError {
        FileHandle.standardError.write(Data("rag-worker: \(error)\n".utf8))
        throw ExitCode(78)
    }
}

/// Bootstraps swift-log for the process; only command entry points call this.
func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
    var logger = Logger(label: "rag-worker")
    logger.logLevel = level
    return logger
}
