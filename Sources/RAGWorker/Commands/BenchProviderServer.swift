import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Serves ``BenchProviders`` over HTTP/1.1 on loopback, entirely on NIO event loops: a request
/// is read, its answer scheduled on the same loop after the provider's delay, and written there.
///
/// The benchmark subtracts the providers' time from each job's end-to-end time, so the stand-ins
/// must not add latency of their own that would be counted as the worker's. A provider's time is
/// measured the way a remote service would see it, from the request's last byte read to the
/// answer written, and nothing in between hops to another thread.
struct BenchProviderServer: Service {
    let providers: BenchProviders
    let host: String
    let port: Int
    let logger: Logger
    /// Called with the bound port once the server listens.
    var onListening: @Sendable (Int) -> Void = { _ in }

    func run() async throws {
        let providers = self.providers
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(BenchProviderHandler(providers: providers))
                }
            }
            .bind(host: host, port: port)
            .get()
        onListening(channel.localAddress?.port ?? port)
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// One connection's requests: body collected, answer written after the provider's delay.
private final class BenchProviderHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let providers: BenchProviders
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(providers: BenchProviders) {
        self.providers = providers
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let received = ContinuousClock.now
            let requestBody = Data(body.readableBytesView)
            let jobID = BenchProviders.jobID(in: requestBody)
            let path = String(head.uri.prefix { $0 != "?" })
            let answer = providers.answer(path: path, body: requestBody, jobID: jobID, received: received)
            let respond = { [providers] in
                Self.write(answer.status, body: answer.body(), version: head.version, keepAlive: head.isKeepAlive, context: context)
                // On the loop, the write above has reached the socket by now.
                if let jobID { providers.spent(ContinuousClock.now - received, by: jobID, path: path) }
            }
            if answer.delay <= .zero {
                respond()
            } else {
                let (seconds, attoseconds) = answer.delay.components
                let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                context.eventLoop.assumeIsolated().scheduleTask(in: delay, respond)
            }
        }
    }

    private static func write(_ status: Int, body: Data, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders([("Content-Length", "\(body.count)")])
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        let ended = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            ended.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
