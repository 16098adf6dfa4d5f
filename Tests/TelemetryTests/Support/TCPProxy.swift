import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP forwarder on 127.0.0.1 in front of another loopback port, which a test can switch off
/// (connections refused, open ones cut) and on again at the same port: a CloudWatch outage
/// without losing the emulator's state.
final class TCPProxy: @unchecked Sendable {
    // @unchecked: every mutable field is behind `lock`.
    private let lock = NSLock()
    private let upstreamPort: UInt16
    private(set) var port: UInt16 = 0
    private var listener: Int32 = -1
    private var connections: Set<Int32> = []

    init(forwardingTo upstreamPort: UInt16) throws {
        self.upstreamPort = upstreamPort
        try start()
    }

    deinit {
        stop()
    }

    /// Listens again (on the same port after the first start).
    func start() throws {
        lock.lock()
        defer { lock.unlock() }
        guard listener < 0 else { return }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = socket
        let thread = Thread { [weak self] in self?.acceptLoop(socket) }
        thread.start()
    }

    /// Stops listening and cuts every open connection.
    func stop() {
        lock.lock()
        let socket = listener
        listener = -1
        let open = connections
        connections = []
        lock.unlock()
        if socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop(_ socket: Int32) {
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 { return }
            let upstream = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            lock.lock()
            let accepting = listener == socket
            if accepting, connected == 0 { connections.formUnion([client, upstream]) }
            lock.unlock()
            guard accepting, connected == 0 else {
                close(client)
                close(upstream)
                continue
            }
            let pair = ConnectionPair(client: client, upstream: upstream) { [weak self] in self?.forget(client, upstream) }
            Thread { pair.pump(from: client, to: upstream) }.start()
            Thread { pair.pump(from: upstream, to: client) }.start()
        }
    }

    private func forget(_ client: Int32, _ upstream: Int32) {
        lock.lock()
        connections.subtract([client, upstream])
        lock.unlock()
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// The two sockets of one proxied connection; closed together once both directions ended.
private final class ConnectionPair: Sendable {
    private let client: Int32
    private let upstream: Int32
    private let remaining = Atomic<Int>(2)
    private let onClose: @Sendable () -> Void

    init(client: Int32, upstream: Int32, onClose: @escaping @Sendable () -> Void) {
        self.client = client
        self.upstream = upstream
        self.onClose = onClose
    }

    func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        copying: while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + offset, count - offset) }
                if written <= 0 { break copying }
                offset += written
            }
        }
        shutdown(destination, Int32(SHUT_WR))
        shutdown(source, Int32(SHUT_RD))
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            onClose()
            close(client)
            close(upstream)
        }
    }
}
