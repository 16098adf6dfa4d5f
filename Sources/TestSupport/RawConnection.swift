import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a loopback port that sends exactly the bytes a test writes: what an
/// attacker's client does and an HTTP library never would (no `Content-Type`, a body shorter
/// than its `Content-Length`, nothing at all).
///
/// Non-blocking; waits sleep the task instead of blocking a thread, so hundreds of them can be
/// held open from one test while the server under test runs in the same process.
public final class RawConnection: @unchecked Sendable {
    // @unchecked: one test task uses a connection at a time; `descriptor` changes only in close().
    private var descriptor: Int32

    /// Connects to `127.0.0.1:port`; throws when the connection is refused or not accepted in time.
    public init(port: Int, timeout: Duration = .seconds(5)) async throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawConnectionError("socket(): \(String(cString: strerror(errno)))") }
        descriptor = socket
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            close()
            throw RawConnectionError("connect(): \(String(cString: strerror(errno)))")
        }
        let deadline = ContinuousClock.now + timeout
        while !(try poll(POLLOUT)) {
            guard ContinuousClock.now < deadline else {
                close()
                throw RawConnectionError("connect(): not connected within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            close()
            throw RawConnectionError("connect(): \(String(cString: strerror(error)))")
        }
    }

    deinit {
        close()
    }

    /// Sends `text` as UTF-8, all of it.
    public func send(_ text: String) async throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                bytes = bytes.dropFirst(sent)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try await Task.sleep(for: .milliseconds(5))
            } else {
                throw RawConnectionError("send(): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Reads one HTTP response (head and a `Content-Length` body); nil when the server closed
    /// the connection first or nothing complete arrived within `timeout`.
    public func readResponse(timeout: Duration = .seconds(10)) async throws -> RawResponse? {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let response = RawResponse(received) { return response }
            switch readAvailable() {
            case .data(let bytes): received += bytes
            case .closed: return RawResponse(received)
            case .nothing: try await Task.sleep(for: .milliseconds(5))
            }
        }
        return nil
    }

    /// Waits for the server to close the connection; true when it did within `timeout`. Anything
    /// the server sends first (an error response) is read and ignored.
    public func waitForClose(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            switch readAvailable() {
            case .closed: return true
            case .data: continue
            case .nothing: try await Task.sleep(for: .milliseconds(10))
            }
        }
        return false
    }

    /// Closes the connection (idempotent).
    public func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    private enum Read {
        case data([UInt8])
        case closed
        case nothing
    }

    private func readAvailable() -> Read {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .data(Array(buffer[0..<count])) }
        if count == 0 { return .closed }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .nothing : .closed
    }

    private func poll(_ events: Int32) throws -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(events), revents: 0)
        let ready = Glibc.poll(&entry, 1, 0)
        guard ready >= 0 else { throw RawConnectionError("poll(): \(String(cString: strerror(errno)))") }
        return ready == 1 && entry.revents & Int16(events) != 0
    }
}

/// An HTTP response read by ``RawConnection``.
public struct RawResponse: Sendable {
    public let status: Int
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: String

    /// Parses a complete response from `bytes`; nil while head or body are incomplete.
    init?(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<headEnd.lowerBound].split(separator: "\r\n").map(String.init)
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/"),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(text[headEnd.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), body.utf8.count < length { return nil }
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A raw connection could not be made or used.
public struct RawConnectionError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
