import AWS
import ArgumentParser
import Curl
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Tracing
import UnixSignals

/// `rag-worker serve`: the SageMaker entry point (`docker run IMAGE serve`).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server, the job runner and the webhook outbox until SIGTERM."
    )

    func run() async throws {
        let httpClient = CurlHTTPClient()
        let (config, secret) = try await loadConfigOrExit(httpClient: httpClient)
        let logger = bootstrapLogging(level: config.logLevel)
        let lock = try DataDirectoryLock(directory: config.dataDirectory)
        let runtime = try WorkerRuntime(
            config: config, pipeline: MinimalPipeline(), httpClient: httpClient,
            metricsFactory: NOOPMetricsHandler.instance, tracer: NoOpTracer(), logger: logger
        )
        logger.info("rag-worker starting", metadata: [
            "port": "\(config.port)", "profile": "\(config.profile.rawValue)", "data.dir": "\(config.dataDirectory)",
            "concurrency": "\(config.concurrency)", "webhook": "\(runtime.webhookSender.destination)",
        ])
        let refresh: [any Service] = secret.map {
            [SecretRefreshService(secret: $0, secretID: config.secretID ?? "", secrets: config.secrets, interval: config.secretTTL, logger: logger)]
        } ?? []
        var groupConfiguration = ServiceGroupConfiguration(
            services: refresh + runtime.services(onListening: { port in
                logger.info("listening", metadata: ["host": "\(config.host)", "port": "\(port)"])
            }),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        // Past the grace period (plus a margin), escalate to cancellation: jobs are given back to the queue.
        groupConfiguration.maximumGracefulShutdownDuration = config.shutdownGrace + .seconds(2)
        try await ServiceGroup(configuration: groupConfiguration).run()
        httpClient.shutdown()
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
