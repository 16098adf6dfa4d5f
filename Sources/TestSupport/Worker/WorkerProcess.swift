import Curl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `rag-worker serve` process started from the debug build, for tests that need a real
/// process: restarts, SIGTERM drains, SIGKILL mid-job.
///
/// Output goes to `<data dir>/worker-<n>.log` (read it with ``log``) so a chatty process can
/// never block on a full pipe.
public final class WorkerProcess: @unchecked Sendable {
    // @unchecked: `process` is only read after start; Foundation's Process is thread-safe for
    // the calls used here (terminate, processIdentifier, waitUntilExit).
    public let port: Int
    public let dataDirectory: String
    public let logPath: String
    private let process: Process

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var pid: Int32 { process.processIdentifier }

    /// Starts the worker and waits until `GET /ping` answers 200.
    ///
    /// - Parameters:
    ///   - environment: variables on top of a minimal base (PATH, HOME); `RAG_DATA_DIR`, `PORT`
    ///     and `HOST` are set by this helper.
    ///   - openFileLimit: when set, the process runs with this soft and hard `RLIMIT_NOFILE`.
    ///   - umask: when set, the process's file mode creation mask (e.g. `0o022`, the usual one).
    ///     Both are set by `ulimit`/`umask` in a shell that then execs the worker (same pid).
    public static func start(
        dataDirectory: String,
        environment: [String: String] = [:],
        port: Int? = nil,
        readyTimeout: Duration = .seconds(20),
        openFileLimit: Int? = nil,
        umask: Int? = nil
    ) async throws -> WorkerProcess {
        let port = try port ?? freeLoopbackPort()
        let binary = PackagePaths.executable("rag-worker")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw WorkerProcessError(message: "\(binary.path) is missing: run `swift build` first")
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let logPath = Self.nextLogPath(in: dataDirectory)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))

        let process = Process()
        let limits = [openFileLimit.map { "ulimit -n \($0)" }, umask.map { "umask \(String($0, radix: 8))" }].compactMap { $0 }
        if !limits.isEmpty {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", (limits + ["exec \"$0\" serve"]).joined(separator: " && "), binary.path]
        } else {
            process.executableURL = binary
            process.arguments = ["serve"]
        }
        var base = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "TMPDIR", "LANG"].contains($0.key) }
        base["LOG_LEVEL"] = "debug"
        base["RAG_ACCEPT_TIMEOUT_SECONDS"] = testAcceptTimeoutSeconds
        process.environment = base.merging(environment) { _, new in new }.merging([
            "RAG_DATA_DIR": dataDirectory, "PORT": String(port), "HOST": "127.0.0.1",
        ]) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let worker = WorkerProcess(port: port, dataDirectory: dataDirectory, logPath: logPath, process: process)
        try await worker.waitUntilReady(timeout: readyTimeout)
        return worker
    }

    private init(port: Int, dataDirectory: String, logPath: String, process: Process) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.logPath = logPath
        self.process = process
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything the process printed so far.
    public var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM (graceful shutdown) and waits for the exit status.
    @discardableResult
    public func terminate(timeout: Duration = .seconds(40)) async throws -> Int32 {
        Glibc.kill(process.processIdentifier, SIGTERM)
        return try await waitForExit(timeout: timeout)
    }

    /// Sends SIGKILL (a crash, as SageMaker does 30 s after SIGTERM) and waits for the process to go.
    public func kill() async throws {
        Glibc.kill(process.processIdentifier, SIGKILL)
        _ = try await waitForExit(timeout: .seconds(10))
    }

    /// Waits for the process to exit and returns its status.
    public func waitForExit(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                throw WorkerProcessError(message: "rag-worker did not exit within \(timeout)\n\(log.suffix(4000))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    private func waitUntilReady(timeout: Duration) async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw WorkerProcessError(message: "rag-worker exited with \(process.terminationStatus) during start-up\n\(log.suffix(4000))")
            }
            let request = HTTPClientRequest(method: .get, url: baseURL + "/ping", timeout: .milliseconds(500))
            if let response = try? await client.execute(request), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WorkerProcessError(message: "rag-worker did not become ready within \(timeout)\n\(log.suffix(4000))")
    }

    private static func nextLogPath(in directory: String) -> String {
        var index = 1
        while FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("worker-\(index).log")) {
            index += 1
        }
        return (directory as NSString).appendingPathComponent("worker-\(index).log")
    }
}

/// A worker process did not start, answer or stop as expected; carries its log's tail.
public struct WorkerProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    public init(message: String) {
        self.message = message
    }
}
