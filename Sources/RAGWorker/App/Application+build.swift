import Hummingbird
import Logging

/// The HTTP routes: `GET /ping` (open), `POST /invocations` and `GET /jobs/{id}` (Basic auth
/// when configured). docs/openapi.yaml describes them.
func buildRouter(intake: IntakeController, readiness: Readiness, basicAuth: (user: String, password: @Sendable () -> String?)?) -> Router<BasicRequestContext> {
    let router = Router()
    router.get("/ping") { _, _ -> Response in
        // No I/O here: SageMaker pings every few seconds with a 2 s limit, also under load.
        switch readiness.current {
        case .ready: Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"status":"ok"}"#)))
        case .starting: Response(status: .serviceUnavailable, headers: [.contentType: "application/json", .retryAfter: "1"], body: .init(byteBuffer: .init(string: #"{"status":"starting"}"#)))
        case .draining: Response(status: .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"status":"draining"}"#)))
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
