import CoreMetrics
import Hummingbird
import HummingbirdCore
import Logging

/// Basic auth of the API routes: the user, the password (read per request), the throttle of
/// failed logins and the `AuthFailures` counter.
struct BasicAuthSettings: Sendable {
    var user: String
    var password: @Sendable () -> String?
    var throttle: LoginThrottle
    var failures: Counter
}

/// The HTTP routes: `GET /ping` (open), `POST /invocations` and `GET /jobs/{id}` (Basic auth
/// when configured), as ``RouteTable/api`` lists them; any other method on those paths gets 405
/// with `Allow`. docs/openapi.yaml describes them.
func buildRouter(
    intake: IntakeController, readiness: Readiness, storeHealth: StoreHealth, basicAuth: BasicAuthSettings?
) -> Router<WorkerRequestContext> {
    let router = Router(context: WorkerRequestContext.self)
    // Before every route (and the not-found answer), so it sees each request first.
    router.add(middleware: MethodNotAllowedMiddleware(table: .api))
    router.get("/ping") { _, _ -> Response in
        // No I/O here: SageMaker pings every few seconds with a 2 s limit, also under load. The
        // store's reachability is the probe's cached answer (StoreHealthProbe).
        func answer(_ status: HTTPResponse.Status, _ body: String, retryAfter: String? = nil) -> Response {
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(status: status, headers: headers, body: .init(byteBuffer: .init(string: #"{"status":"\#(body)"}"#)))
        }
        switch readiness.current {
        case .ready where storeHealth.isReachable: return answer(.ok, "ok")
        case .ready: return answer(.serviceUnavailable, "store_unreachable", retryAfter: "5")
        case .starting: return answer(.serviceUnavailable, "starting", retryAfter: "1")
        case .draining: return answer(.serviceUnavailable, "draining")
        }
    }
    let api = router.group()
    if let basicAuth {
        api.add(middleware: BasicAuthMiddleware(
            user: basicAuth.user, password: basicAuth.password, throttle: basicAuth.throttle, failures: basicAuth.failures))
    }
    api.post("/invocations") { request, context in try await intake.invoke(request, context: context) }
    api.get("/jobs/{id}") { request, context in try await intake.job(request, context: context) }
    return router
}

/// The Hummingbird application for `router`, bound to `host:port`; `onListening` receives the
/// bound port (useful with port 0).
///
/// The HTTP/1 channel closes a connection idle for `limits.idleTimeout` (no request in progress,
/// or a request head never completed) and, through ``ConnectionGuardHandler``, one whose request
/// body has not ended `limits.requestReadTimeout` after its head; the ``ConnectionLimiter`` keeps
/// the open connections at or under `limits.maxConnections`.
func buildApplication(
    router: Router<WorkerRequestContext>,
    host: String,
    port: Int,
    limits: Config.HTTPServer,
    logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let limiter = ConnectionLimiter(limit: limits.maxConnections, logger: logger)
    let readTimeout = limits.requestReadTimeout
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionGuardHandler(limiter: limiter, requestReadTimeout: readTimeout)],
        idleTimeout: .nanoseconds(Int64((limits.idleTimeout / .nanoseconds(1)).rounded()))
    )
    return Application(
        router: router,
        server: .http1(configuration: http1),
        configuration: .init(address: .hostname(host, port: port), serverName: "rag-worker"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
