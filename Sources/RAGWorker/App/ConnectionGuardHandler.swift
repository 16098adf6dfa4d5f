import NIOCore
import NIOHTTPTypes

/// One per HTTP connection, after HTTP decoding: tells the ``ConnectionLimiter`` where the
/// connection is in its request cycle, and closes it when a request's body has not ended
/// `requestReadTimeout` after its head (a client that declares 100 bytes and sends 1).
///
/// Idle connections, and connections that never complete a request head, are closed by
/// Hummingbird's idle timeout (`RAG_HTTP_IDLE_TIMEOUT_SECONDS`), configured beside this handler.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limiter: ConnectionLimiter
    private let requestReadTimeout: TimeAmount
    private var id: Int?
    private var reading = false
    private var requestsInProgress = 0
    private var readDeadline: Scheduled<Void>?

    init(limiter: ConnectionLimiter, requestReadTimeout: Duration) {
        self.limiter = limiter
        self.requestReadTimeout = .nanoseconds(Int64(requestReadTimeout.components.seconds) * 1_000_000_000
            + requestReadTimeout.components.attoseconds / 1_000_000_000)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        id = limiter.opened(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        forget()
    }

    func channelInactive(context: ChannelHandlerContext) {
        forget()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            reading = true
            requestsInProgress += 1
            readDeadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            readDeadline = context.eventLoop.scheduleTask(in: requestReadTimeout) {
                // The body did not end in time: close, whatever was read.
                loopBound.value.close(promise: nil)
            }
            report()
        case .body:
            break
        case .end:
            reading = false
            readDeadline?.cancel()
            readDeadline = nil
            report()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsInProgress = max(0, requestsInProgress - 1)
            report()
        }
        context.write(data, promise: promise)
    }

    private func report() {
        guard let id else { return }
        let phase: ConnectionLimiter.Phase = reading ? .reading : (requestsInProgress > 0 ? .answering : .idle)
        limiter.update(id, phase: phase)
    }

    private func forget() {
        readDeadline?.cancel()
        readDeadline = nil
        if let id { limiter.closed(id) }
        id = nil
    }
}

@available(*, unavailable)
extension ConnectionGuardHandler: Sendable {}
