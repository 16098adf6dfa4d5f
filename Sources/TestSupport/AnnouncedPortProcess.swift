import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A loopback server run as a child process that picks its own port and announces it on its
/// output (moto, the OTLP receiver): started, its port read from the announcement, stopped with
/// SIGTERM and, three seconds later, SIGKILL.
///
/// The output goes to a log file (a chatty child never blocks on a full pipe), which is also how
/// the port is found: nothing else signals readiness. The exit is awaited through the
/// termination handler, never by blocking a thread of the cooperative pool.
final class AnnouncedPortProcess: Sendable {
    let port: Int
    /// The child's standard output and error.
    let logPath: String
    private let process: Mutex<Process?>
    /// Finishes when Foundation has reaped the process (its termination handler ran).
    private let exited: AsyncStream<Void>

    /// Why the child did not come up, with the end of its log.
    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `executable` and returns once its output shows `announcement`, whose first capture
    /// is the port.
    ///
    /// - Parameters:
    ///   - name: names the child in errors, e.g. `moto_server`.
    ///   - logPrefix: the name of the temporary folder that holds the log.
    /// - Throws: ``StartFailure`` when the child exits first or does not announce within `timeout`.
    static func start(
        name: String, executable: URL, arguments: [String], environment: [String: String], logPrefix: String,
        announcement: Regex<(Substring, Substring)>, timeout: Duration = .seconds(30)
    ) async throws -> AnnouncedPortProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(logPrefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logPath = folder.appendingPathComponent("\(logPrefix).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let (exited, done) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in done.finish() }
        try process.run()
        try? log.close()

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: announcement), let port = Int(match.1) {
                return AnnouncedPortProcess(process: process, port: port, logPath: logPath, exited: exited)
            }
            guard process.isRunning else {
                throw StartFailure(description: "\(name) exited during start-up: \(text.suffix(800))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await AnnouncedPortProcess(process: process, port: 0, logPath: logPath, exited: exited).terminate()
        throw StartFailure(description: "\(name) did not start within \(timeout); log: \(logPath)")
    }

    private init(process: Process, port: Int, logPath: String, exited: AsyncStream<Void>) {
        self.port = port
        self.logPath = logPath
        self.process = Mutex(process)
        self.exited = exited
    }

    var processIdentifier: Int32 {
        process.withLock { $0?.processIdentifier ?? 0 }
    }

    /// Stops the child (SIGTERM, then SIGKILL after three seconds) and returns once it has exited
    /// and been reaped. Later calls return at once.
    func terminate() async {
        guard let process = process.withLock({ value -> Process? in
            defer { value = nil }
            return value
        }) else { return }
        let pid = process.processIdentifier
        if process.isRunning { process.terminate() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(3))) != nil else { return }
                kill(pid, SIGKILL)
            }
            for await _ in exited {}
            group.cancelAll()
        }
    }
}
