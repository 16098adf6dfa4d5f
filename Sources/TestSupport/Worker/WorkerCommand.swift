import Foundation

/// Runs a `rag-worker` subcommand of the debug build to completion and returns its exit status
/// and output (standard output and error together). `environment` comes on top of PATH, HOME
/// and TMPDIR only. Never blocks a thread of the cooperative pool (``runChildProcess``).
public func runWorkerCommand(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
    var base = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "TMPDIR"].contains($0.key) }
    base.merge(environment) { _, new in new }
    let result = try await runChildProcess(PackagePaths.executable("rag-worker"), arguments: arguments, environment: base)
    return (result.status, result.output)
}
