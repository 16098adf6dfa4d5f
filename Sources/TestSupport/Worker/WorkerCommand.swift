import Foundation

/// Runs a `rag-worker` subcommand of the debug build to completion and returns its exit status
/// and output (standard output and error together). `environment` comes on top of PATH, HOME
/// and TMPDIR only.
public func runWorkerCommand(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = PackagePaths.executable("rag-worker")
    process.arguments = arguments
    var base = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "TMPDIR"].contains($0.key) }
    base.merge(environment) { _, new in new }
    process.environment = base
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = try await Task.detached { try output.fileHandleForReading.readToEnd() ?? Data() }.value
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
