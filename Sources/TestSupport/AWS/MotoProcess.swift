import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A running `moto_server` process on 127.0.0.1, tied to the test process's life.
///
/// Started through the venv's Python with a small watchdog that exits when its parent (the test
/// process) is gone, so a crashed or killed test run never leaves a server behind; `moto.server`'s
/// `main` is the same entry point the `moto_server` script runs. The port is chosen by the OS
/// (`-p 0`) and read from the server's "Running on" line, so parallel runs never collide.
final class MotoProcess: Sendable {
    let port: Int
    let logPath: String
    private let process: Mutex<Process?>
    /// Finishes when Foundation has reaped the process (its termination handler ran).
    private let exited: AsyncStream<Void>

    private static let watchdog = """
        import os, signal, sys, threading, time
        # A child inherits the signal mask of the thread that spawned it; unblock SIGTERM.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        parent = os.getppid()
        def watch():
            while True:
                time.sleep(0.5)
                if os.getppid() != parent:
                    os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        sys.path.insert(0, os.environ["RAG_MOTO_EXTENSIONS_DIR"])
        import moto_extensions  # PutCompositeAlarm, which moto 5.2 lacks (scripts/testing)
        from moto.server import main
        sys.argv[0] = "moto_server"
        main(sys.argv[1:])
        """

    /// Starts the server and returns once it listens.
    ///
    /// - Throws: ``MotoServerError`` when the venv is missing or the server does not come up in `timeout`.
    static func start(environment extra: [String: String], timeout: Duration = .seconds(30)) async throws -> MotoProcess {
        let root = packageRoot()
        let motoServer = root.appendingPathComponent(".venv/bin/moto_server").path
        let python = root.appendingPathComponent(".venv/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: motoServer), FileManager.default.isExecutableFile(atPath: python) else {
            throw MotoServerError(message: "moto_server is not installed at \(motoServer): run `scripts/bootstrap python`")
        }
        let logDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        let logPath = logDirectory.appendingPathComponent("moto.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", watchdog, "-H", "127.0.0.1", "-p", "0"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment.merge(extra) { $1 }
        environment["PYTHONUNBUFFERED"] = "1"
        environment["RAG_MOTO_EXTENSIONS_DIR"] = root.appendingPathComponent("scripts/testing").path
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let (exited, exitContinuation) = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exitContinuation.finish() }
        try process.run()
        try? log.close()

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: #/Running on http://127\.0\.0\.1:(\d+)/#), let port = Int(match.1) {
                return MotoProcess(process: process, port: port, logPath: logPath, exited: exited)
            }
            guard process.isRunning else {
                throw MotoServerError(message: "moto_server exited during start-up: \(tail(of: text))")
            }
            // The server announces its port on its log; nothing else signals readiness.
            try await Task.sleep(for: .milliseconds(50))
        }
        await MotoProcess(process: process, port: 0, logPath: logPath, exited: exited).terminate()
        throw MotoServerError(message: "moto_server did not start within \(timeout); log: \(logPath)")
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

    /// Stops the server (SIGTERM, then SIGKILL after three seconds) and returns once the process
    /// has exited and been reaped.
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

    /// The package root: four levels above this file (`Sources/TestSupport/AWS/MotoProcess.swift`).
    static func packageRoot(file: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: file)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }

    private static func tail(of text: String) -> String {
        String(text.suffix(800))
    }
}

/// moto could not be started or prepared.
public struct MotoServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
