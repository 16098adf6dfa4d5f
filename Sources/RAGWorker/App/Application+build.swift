import Hummingbird
import Logging

/// The HTTP routes: `GET /ping` (open), `POST /invocations` and `GET /jobs/{id}` (Basic auth
/// when configured). docs/openapi.yaml describes them.
func buildRouter(
    intake: IntakeController, readiness: Readiness, storeHealth: StoreHealth,
    basicAuth: (user: String, password: @Sendable () -> String?)?
) -> Router<BasicRequestContext> {
    let router = Router()
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
        api.add(middleware: BasicAuthMiddleware(user: basicAuth.user, password: basicAuth.password))
    }
    api.post("/invocations") { request, context in try await intake.invoke(request, context: context) }
    api.get("/jobs/{id}") { request, context in try await intake.job(request, context: context) }
    return router
}

/// The Hummingbird application for `router`, bound to `host:port`; `onListening` receives the
/// bound port (useful with port 0).
func buildApplication(
    router: Router<BasicRequestContext>,
    host: String,
    port: Int,
    logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "rag-worker"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
        logger: logger
    )
}
