import Foundation

/// Starts `moto_server` on 127.0.0.1, tied to the test process's life.
///
/// Started through the venv's Python with a small watchdog that exits when its parent (the test
/// process) is gone, so a crashed or killed test run never leaves a server behind; `moto.server`'s
/// `main` is the same entry point the `moto_server` script runs. The port is chosen by the OS
/// (`-p 0`) and read from the server's "Running on" line, so parallel runs never collide.
enum MotoProcess {
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
    static func start(environment extra: [String: String], timeout: Duration = .seconds(30)) async throws -> AnnouncedPortProcess {
        let motoServer = PackagePaths.venvTool("moto_server").path
        let python = PackagePaths.venvTool("python3")
        guard FileManager.default.isExecutableFile(atPath: motoServer), FileManager.default.isExecutableFile(atPath: python.path) else {
            throw MotoServerError(message: "moto_server is not installed at \(motoServer): run `scripts/bootstrap python`")
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        environment.merge(extra) { $1 }
        environment["PYTHONUNBUFFERED"] = "1"
        environment["RAG_MOTO_EXTENSIONS_DIR"] = PackagePaths.root.appendingPathComponent("scripts/testing").path
        do {
            return try await AnnouncedPortProcess.start(
                name: "moto_server", executable: python, arguments: ["-c", watchdog, "-H", "127.0.0.1", "-p", "0"],
                environment: environment, logPrefix: "moto", announcement: #/Running on http://127\.0\.0\.1:(\d+)/#, timeout: timeout)
        } catch let failure as AnnouncedPortProcess.StartFailure {
            throw MotoServerError(message: failure.description)
        }
    }
}

/// moto could not be started or prepared.
public struct MotoServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
