import Foundation

/// Paths inside this package, found from this file's location, so tests work from any directory.
public enum PackagePaths {
    /// The package root (the directory holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Sources/TestSupport/PackagePaths.swift → root
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// A built executable of this package, e.g. `rag-worker`, from the debug build `swift test` uses.
    public static func executable(_ name: String) -> URL {
        let environmentKey = name.uppercased().replacingOccurrences(of: "-", with: "_") + "_BIN"
        if let override = ProcessInfo.processInfo.environment[environmentKey] {
            return URL(fileURLWithPath: override)
        }
        return root.appendingPathComponent(".build/debug/\(name)")
    }

    /// A tool installed in the project's Python venv by `scripts/bootstrap python`.
    public static func venvTool(_ name: String) -> URL {
        root.appendingPathComponent(".venv/bin/\(name)")
    }

    /// A sample job from fixtures/jobs.
    public static func fixtureJob(_ name: String) -> URL {
        root.appendingPathComponent("fixtures/jobs/\(name).json")
    }
}

/// A fresh directory under the system temporary directory, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "rag-worker-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// The directory as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The path of `name` inside this directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
public func withTemporaryDirectory<T>(_ body: (TemporaryDirectory) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    return try await body(directory)
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it).
public func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw LoopbackServerError(message: "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw LoopbackServerError(message: "bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
