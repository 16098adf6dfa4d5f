import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a child process printed and how it ended.
public struct ChildProcessResult: Sendable {
    public var status: Int32
    /// Standard output, followed by standard error unless they were kept apart.
    public var output: String
    /// Standard error when it was kept apart, else empty.
    public var standardError: String
}

/// Runs `executable` to its end without blocking a thread of Swift's cooperative pool.
///
/// Blocking calls (`waitUntilExit`, reading a pipe to its end) inside async tests take one of the
/// pool's few threads (two on two cores) for as long as the child runs; two such tests at once
/// stall every other test of the process, whose in-process servers then stop answering. Here the
/// output goes to temporary files (a chatty child never blocks on a full pipe) and the exit is
/// awaited through the termination handler. A child still running after `timeout` is killed.
///
/// - Parameters:
///   - environment: the child's whole environment (nil: inherit this process's).
///   - separateStandardError: keep standard error out of ``ChildProcessResult/output``.
public func runChildProcess(
    _ executable: URL, arguments: [String], environment: [String: String]? = nil,
    separateStandardError: Bool = false, timeout: Duration = .seconds(300)
) async throws -> ChildProcessResult {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outputURL = folder.appendingPathComponent("stdout")
    let errorURL = folder.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    let output = try FileHandle(forWritingTo: outputURL)
    let error = try FileHandle(forWritingTo: errorURL)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = separateStandardError ? error : output
    let (exited, exit) = AsyncStream<Int32>.makeStream()
    process.terminationHandler = { finished in
        exit.yield(finished.terminationStatus)
        exit.finish()
    }
    try process.run()
    try? output.close()
    try? error.close()

    let pid = process.processIdentifier
    let watchdog = Task {
        try await Task.sleep(for: timeout)
        kill(pid, SIGKILL)
    }
    defer { watchdog.cancel() }
    var status: Int32 = -1
    for await value in exited { status = value }
    let printed = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    let errors = separateStandardError ? ((try? String(contentsOf: errorURL, encoding: .utf8)) ?? "") : ""
    return ChildProcessResult(status: status, output: printed, standardError: errors)
}
