import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL 16 server with pgvector, from the `pgserver` wheel in the
/// project's `.venv` (`scripts/bootstrap python` installs it), listening on a free loopback
/// TCP port with its data in a temporary directory.
///
/// As root, the server runs as the system user `pgserver` (created when missing, as the
/// wheel itself does), because PostgreSQL refuses to run as root. Trust authentication, user
/// `postgres`, database `postgres`, no fsync: for tests only.
public final class PostgresServer: Sendable {
    public let port: Int
    /// `postgres://postgres[:<password>]@127.0.0.1:<port>/postgres?sslmode=disable`.
    public let url: String
    private let root: URL
    private let dataDirectory: String
    private let binDirectory: String
    private let runAs: String?

    private init(port: Int, root: URL, dataDirectory: String, binDirectory: String, runAs: String?, password: String? = nil) {
        self.port = port
        let credentials = password.map { "postgres:\($0)" } ?? "postgres"
        self.url = "postgres://\(credentials)@127.0.0.1:\(port)/postgres?sslmode=disable"
        self.root = root
        self.dataDirectory = dataDirectory
        self.binDirectory = binDirectory
        self.runAs = runAs
    }

    /// Initializes a cluster in a new temporary directory and starts it (about 1–2 s).
    ///
    /// - Parameter password: when set, TCP connections must authenticate with it (SCRAM) as the
    ///   user `postgres`, and ``url`` carries it; `psql` always uses the Unix socket (trusted).
    public static func start(password: String? = nil) async throws -> PostgresServer {
        var bin = try binDirectory()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pgserver-\(UUID().uuidString.prefix(8))")
        let data = root.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        var runAs: String?
        if getuid() == 0 {
            runAs = "pgserver"
            if try await run("/usr/bin/id", ["-u", "pgserver"]).status != 0 {
                _ = try await run("/usr/sbin/useradd", ["--system", "--shell", "/bin/sh", "pgserver"])
            }
            _ = try await run("/bin/chown", ["pgserver", data])
            bin = try await binDirectory(bin, reachableBy: "pgserver")
        }
        let port = try freeLoopbackPort()
        let server = PostgresServer(port: port, root: root, dataDirectory: data, binDirectory: bin, runAs: runAs, password: password)
        var authentication = ["--auth=trust"]
        if let password {
            let file = root.appendingPathComponent("password").path
            try Data(password.utf8).write(to: URL(fileURLWithPath: file))
            if runAs != nil { _ = try await run("/bin/chown", [runAs!, file]) }
            authentication = ["--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=\(file)"]
        }
        try await server.pg("initdb", ["-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"] + authentication)
        try await server.pg("pg_ctl", ["-D", data, "-w", "-t", "30", "-l", data + "/server.log",
                                       "-o", "-h 127.0.0.1 -p \(port) -k \(data) -F -c max_connections=60", "start"])
        return server
    }

    /// Stops the server at once, keeping its data: clients get "connection refused" until
    /// ``resume()`` (an outage of the shared store, as a test sees it).
    public func halt() async throws {
        try await pg("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
    }

    /// Starts the server again on the same port after ``halt()``.
    public func resume() async throws {
        try await pg("pg_ctl", ["-D", dataDirectory, "-w", "-t", "30", "-l", dataDirectory + "/server.log",
                                "-o", "-h 127.0.0.1 -p \(port) -k \(dataDirectory) -F -c max_connections=60", "start"])
    }

    /// Stops the server at once and deletes its directory.
    public func stop() async {
        _ = try? await pg("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: root)
    }

    /// Creates a database and returns its URL.
    public func createDatabase(_ name: String) async throws -> String {
        try await pg("psql", ["-h", dataDirectory, "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                              "-c", "CREATE DATABASE \"\(name)\""])
        return url.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs `sql` with `psql` and returns its unaligned, tuples-only output.
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        try await pg("psql", ["-h", dataDirectory, "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1",
                              "-A", "-t", "-c", sql])
    }

    @discardableResult
    private func pg(_ tool: String, _ arguments: [String]) async throws -> String {
        let executable = binDirectory + "/" + tool
        let result: (status: Int32, output: String)
        if let runAs {
            let command = ([executable] + arguments).map(Self.shellQuoted).joined(separator: " ")
            result = try await Self.run("/bin/su", [runAs, "-s", "/bin/sh", "-c", command])
        } else {
            result = try await Self.run(executable, arguments)
        }
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: dataDirectory + "/server.log", encoding: .utf8)) ?? ""
            throw PostgresServerError(message: "\(tool) failed (\(result.status)): \(result.output)\n\(log.suffix(2000))")
        }
        return result.output
    }

    /// The `pginstall/bin` directory of the `pgserver` wheel: `$RAG_PGSERVER_BIN`, or found in
    /// `.venv` of the current directory or of the package this file belongs to.
    static func binDirectory() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["RAG_PGSERVER_BIN"] { return explicit }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        for root in [FileManager.default.currentDirectoryPath, packageRoot] {
            let lib = root + "/.venv/lib"
            for python in (try? FileManager.default.contentsOfDirectory(atPath: lib))?.sorted() ?? [] {
                let bin = "\(lib)/\(python)/site-packages/pgserver/pginstall/bin"
                if FileManager.default.isExecutableFile(atPath: bin + "/postgres") { return bin }
            }
        }
        throw PostgresServerError(message: "the pgserver wheel is not installed in .venv: run scripts/bootstrap python")
    }

    /// `bin` if `user` can run its tools; otherwise the wheel's `pginstall` and libraries copied
    /// once per test process to a temporary directory open to every user, removed at exit.
    /// A checkout inside a directory only its owner may enter (`mktemp -d` makes them 0700)
    /// keeps `user` out of the `.venv` below it.
    private static func binDirectory(_ bin: String, reachableBy user: String) async throws -> String {
        let probe = "test -x " + shellQuoted(bin + "/initdb")
        if try await run("/bin/su", [user, "-s", "/bin/sh", "-c", probe]).status == 0 { return bin }
        let copy = sharedInstallCopy.withLock { copy in
            if let copy { return copy }
            let task = Task { () throws -> String in
                // site-packages/pgserver/pginstall/bin: the tools find their libraries through
                // the RPATH `$ORIGIN/../../../pgserver.libs`, so the copy keeps that layout.
                let sitePackages = URL(fileURLWithPath: bin).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("rag-pgserver-\(getpid())")
                try FileManager.default.createDirectory(at: root.appendingPathComponent("pgserver"), withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
                installCopyRoot.withLock { $0 = root.path }
                atexit { installCopyRoot.withLock { $0 }.map { try? FileManager.default.removeItem(atPath: $0) } }
                for item in ["pgserver/pginstall", "pgserver.libs"] {
                    let copied = try await run("/bin/cp", ["-a", sitePackages.appendingPathComponent(item).path, root.appendingPathComponent(item).path])
                    guard copied.status == 0 else { throw PostgresServerError(message: "copying \(item) failed: \(copied.output)") }
                }
                return root.path + "/pgserver/pginstall/bin"
            }
            copy = task
            return task
        }
        return try await copy.value
    }

    /// Runs a tool and returns its exit status and output.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid` on a thread of its own, not with
    /// `Foundation.Process`: on Linux `Process` learns of the exit through a socket the child
    /// inherits, and the server that `pg_ctl start` leaves behind inherits it too, so the
    /// exit would never be seen (swift-corelibs-foundation issue 4795). Output goes to a file.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("pgserver-tool-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let pid = try spawn(executable, arguments, outputPath: logPath)
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            thread.name = "pgserver-wait"
            thread.start()
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        // Exit code when the child exited normally, 128 + signal otherwise (as shells report it).
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, output)
    }

    private static func spawn(_ executable: String, _ arguments: [String], outputPath: String) throws -> pid_t {
        let output = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw PostgresServerError(message: "cannot create \(outputPath)") }
        defer { close(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw PostgresServerError(message: "cannot run \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Runs `body` with a fresh server and stops it afterwards, also when `body` throws.
public func withPostgresServer<Value: Sendable>(_ body: (PostgresServer) async throws -> Value) async throws -> Value {
    let server = try await PostgresServer.start()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}

/// The server could not be started or a tool failed.
public struct PostgresServerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The one copy of `pginstall` this process makes for the `pgserver` user, if it needs one,
/// and where it is (deleted by an `atexit` handler).
private let sharedInstallCopy = Mutex<Task<String, any Error>?>(nil)
private let installCopyRoot = Mutex<String?>(nil)
