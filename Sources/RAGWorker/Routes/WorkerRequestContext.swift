import Hummingbird
import NIOCore

/// The request context of the worker's routes: Hummingbird's basics plus the client's address,
/// which the login throttle keys on.
struct WorkerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer of the connection (the caller, or the proxy in front of it).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The address the login throttle counts failures against: the IP without the port.
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }
}
