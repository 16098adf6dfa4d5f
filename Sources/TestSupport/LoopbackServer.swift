import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on `127.0.0.1` at a free port for the duration of `body`.
///
/// Provider doubles (OpenAI, Cohere, PostgREST, n8n, IMDS) are routers handed to this function,
/// so tests talk to them over real HTTP with the real client. At the end, requests still held by a
/// double (a scripted delay) are cancelled after a second instead of being waited for.
public func withLoopbackServer<Value: Sendable>(
    _ router: Router<BasicRequestContext>,
    _ body: @Sendable (_ baseURL: String) async throws -> Value
) async throws -> Value {
    var logger = Logger(label: "loopback")
    logger.logLevel = .critical
    return try await withListeningServiceGroup(logger: logger, maximumGracefulShutdownDuration: .seconds(1), services: { onListening in
        [Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "loopback"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )]
    }) { _, baseURL in
        try await body(baseURL)
    }
}

/// The loopback server could not start.
public struct LoopbackServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
