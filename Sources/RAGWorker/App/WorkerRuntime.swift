import Curl
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import RAGPipeline
import ServiceLifecycle
import Telemetry
import Tracing

/// Everything `rag-worker serve` runs, assembled once from the configuration: stores, intake,
/// runner, outbox and HTTP server. Tests build the same runtime with a temporary data directory.
struct WorkerRuntime: Sendable {
    let config: Config
    /// Postgres when `DATABASE_URL` is set (shared by instances), the SQLite file otherwise.
    let store: any JobStore & OutboxStore
    let readiness = Readiness()
    let storeHealth = StoreHealth()
    /// The fleet sharing the job store, as the last heartbeat saw it (``FleetMonitor``).
    let fleetView = FleetView()
    /// The process's shutdown budget; `serve` shares it with telemetry's final flushes.
    let drain: DrainBudget
    let jobWake = WakeSignal()
    let outboxWake = WakeSignal()
    let outboxHandOff: OutboxHandOff
    let metrics: WorkerMetrics
    /// The SLO counters (catalogue) and their `rag.slo` spans.
    let sloMetrics: SLOMetrics
    let tracer: any Tracer
    let pipeline: any JobPipeline
    let webhookSender: any WebhookSender
    let logger: Logger
    /// Identifies this process as the holder of job and delivery leases.
    let owner: String
    /// Failed logins per client, shared by every request.
    let loginThrottle: LoginThrottle
    /// Prices every job with the configured price table; one per runtime, so each unknown model is named once.
    let costing: JobCosting
    /// Fetches the configuration secret at once (single-flight, rate-limited): the job store
    /// calls it when the database refuses the password, which may have been rotated.
    let refreshSecrets: @Sendable () async -> Void
    /// The Postgres client of the job store, when there is one.
    let postgres: (any PostgresClientSource)?
    /// Each job's capture of prompts and replies; the telemetry system's for `serve`.
    let contentCapture: ContentCapture

    init(
        config: Config,
        pipeline: any JobPipeline,
        httpClient: any HTTPClient,
        metricsFactory: any MetricsFactory,
        tracer: any Tracer,
        logger: Logger,
        postgresClient: (any PostgresClientSource)? = nil,
        loginThrottle: LoginThrottle = LoginThrottle(),
        drain: DrainBudget? = nil,
        contentCapture: ContentCapture = .screening(ContentScreen()),
        refreshSecrets: @escaping @Sendable () async -> Void = {}
    ) throws {
        self.config = config
        self.contentCapture = contentCapture
        self.refreshSecrets = refreshSecrets
        self.postgres = postgresClient
        self.loginThrottle = loginThrottle
        self.costing = JobCosting(prices: config.modelPrices)
        if let postgresClient {
            self.store = PostgresJobStore(client: postgresClient, logger: logger)
        } else {
            self.store = try SQLiteJobStore(directory: config.dataDirectory, durability: config.sqliteDurability)
        }
        self.drain = drain ?? Self.drainBudget(config)
        let outboxSettings = Self.outboxSettings(config)
        self.outboxHandOff = OutboxHandOff(capacity: outboxSettings.parallelism, lease: outboxSettings.lease)
        self.metrics = WorkerMetrics(factory: metricsFactory)
        self.sloMetrics = SLOMetrics(factory: metricsFactory, tracer: tracer)
        self.tracer = tracer
        self.pipeline = pipeline
        self.logger = logger
        self.owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())/\(W3CTraceparent.randomHex(bytes: 4))"
        if let url = config.webhook.url {
            let secrets = config.secrets
            webhookSender = HTTPWebhookSender(
                url: url, httpClient: httpClient, timeout: config.webhook.timeout,
                keys: { secrets.webhookSigningKeys }
            )
        } else {
            webhookSender = LocalWebhookSink(
                directory: (config.dataDirectory as NSString).appendingPathComponent("deliveries"), logger: logger
            )
        }
    }

    var intake: IntakeController {
        IntakeController(
            store: store, readiness: readiness, storeHealth: storeHealth, acceptTimeLimit: config.acceptTimeLimit,
            jobWake: jobWake, metrics: metrics, tracer: tracer,
            maxBodyBytes: config.maxBodyBytes, maxBacklog: config.maxBacklog, fleet: fleetView, backlogRetryAfterSeconds: 10,
            slo: sloMetrics
        )
    }

    /// Counts jobs for the delivery SLO, with the limit of the SLO file's `delivery` objective.
    var deliveryCounter: DeliverySLOCounter {
        DeliverySLOCounter(store: store, limit: Self.deliveryLimit(config), metrics: sloMetrics, logger: logger)
    }

    /// The delivery SLO's limit: `rag-worker/good-within-seconds` of the SLO file (120 s without one).
    static func deliveryLimit(_ config: Config) -> Duration {
        .milliseconds(Int64(((config.objectives.delivery?.goodWithinSeconds ?? 120) * 1000).rounded()))
    }

    var runner: JobRunner {
        JobRunner(
            store: store, pipeline: pipeline,
            settings: .init(concurrency: config.concurrency, jobDeadline: config.jobDeadline,
                            deliveryReserve: config.deliveryReserve, lease: config.leaseDuration),
            owner: owner, jobWake: jobWake, outboxWake: outboxWake, outboxHandOff: outboxHandOff,
            readiness: readiness, drain: drain, metrics: metrics, tracer: tracer, logger: logger,
            costing: costing, contentCapture: contentCapture, slo: deliveryCounter,
            qualitySLO: config.objectives.quality.flatMap { objective in
                objective.groundednessAtLeast.map { QualitySLOCounter(metrics: sloMetrics, threshold: $0) }
            }
        )
    }

    var outbox: OutboxDeliverer {
        OutboxDeliverer(
            store: store, sender: webhookSender, settings: Self.outboxSettings(config), owner: owner,
            handOff: outboxHandOff, wake: outboxWake, drain: drain, metrics: metrics, tracer: tracer, logger: logger,
            slo: deliveryCounter
        )
    }

    /// The drain budget for `config`: `RAG_SHUTDOWN_GRACE_SECONDS` in all, the last
    /// `RAG_TELEMETRY_SHUTDOWN_SECONDS` of it for telemetry's final flushes.
    static func drainBudget(_ config: Config) -> DrainBudget {
        DrainBudget(total: config.shutdownGrace, telemetryReserve: config.telemetry.shutdownFlushTimeout)
    }

    private static func outboxSettings(_ config: Config) -> OutboxDeliverer.Settings {
        .init(
            maxAttempts: config.webhook.maxAttempts,
            backoff: Backoff(base: config.webhook.backoffBase, maximum: config.webhook.backoffMax, jitter: .equal),
            attemptTimeout: config.webhook.timeout
        )
    }

    /// Keeps this process in the fleet registry (the Postgres store's `rag_runners`, or itself
    /// alone on SQLite) and publishes the scaling signal.
    var fleetMonitor: FleetMonitor {
        FleetMonitor(
            registry: store as? any FleetRegistry ?? SingleInstanceFleet(store: store),
            member: FleetMember(owner: owner, concurrency: config.concurrency), view: fleetView, metrics: metrics,
            interval: config.fleetHeartbeat, logger: logger)
    }

    var router: Router<WorkerRequestContext> {
        let secrets = config.secrets
        return buildRouter(
            intake: intake, readiness: readiness, storeHealth: storeHealth,
            basicAuth: config.basicAuthUser.map {
                BasicAuthSettings(user: $0, password: { secrets.value(ConfigKey.basicAuthPass) },
                                  throttle: loginThrottle, failures: metrics.authFailures)
            }
        )
    }

    /// The services in start order. ServiceGroup stops them in reverse: the runner drains first
    /// (intake answers 503 from then on), then the outbox delivers what is due, then the HTTP
    /// server closes, then the services of `telemetry` stop, last first: `serve` passes the
    /// telemetry services followed by those the job store needs (its Postgres client), so
    /// telemetry outlives everything and records the final spans.
    func services(telemetry: [any Service] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> [any Service] {
        let app = buildApplication(
            router: router, host: config.host, port: config.port, limits: config.httpServer, logger: logger, onListening: onListening)
        let probe = StoreHealthProbe(
            store: store, health: storeHealth, timeLimit: config.acceptTimeLimit, logger: logger,
            credentialsRejected: { [postgres] in await postgres?.credentialsRejected() ?? false },
            onRejectedCredentials: refreshSecrets)
        // The fleet monitor stops first: the instance leaves the registry before the runner drains.
        return telemetry + [
            JobRetention(store: store, retention: config.jobRetention, logger: logger),
            DeliverySLOSweep(counter: deliveryCounter, logger: logger), probe, app, outbox, runner, fleetMonitor,
        ]
    }
}
