import Curl
import Foundation
import Testing
import TestSupport

/// Finding 12 of the security review: data files followed the umask (0644), so any local user
/// could read jobs, results, deliveries and telemetry.
@Suite("Security: data file modes")
struct DataFileModeTests {
    @Test("with the usual umask 022, every file the worker creates in its data directory is 0600 (SQLite, WAL, lock, local deliveries)")
    func dataFilesPrivate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await WorkerProcess.start(dataDirectory: directory.path, umask: 0o022)
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let accepted = try await http.execute(HTTPClientRequest(
            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
            body: Data(sampleJob(id: "private-1").utf8), timeout: .seconds(10)))
        #expect(accepted.status == 202)
        let deliveries = directory.file("deliveries")
        let deadline = ContinuousClock.now + .seconds(30)
        while ((try? FileManager.default.contentsOfDirectory(atPath: deliveries)) ?? []).isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        var checked: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory.file(relative)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            // The harness's own output file is not the worker's.
            guard attributes[.type] as? FileAttributeType == .typeRegular, !relative.hasPrefix("worker-") else { continue }
            let mode = (attributes[.posixPermissions] as? Int) ?? 0o777
            #expect(mode & 0o077 == 0, "\(relative) is \(String(mode, radix: 8))")
            checked.append(relative)
        }
        #expect(checked.contains("jobs.sqlite") && checked.contains("jobs.sqlite-wal") && checked.contains("telemetry.sqlite"))
        #expect(checked.contains(".lock"))
        #expect(checked.contains { $0.hasPrefix("deliveries/") && $0.hasSuffix(".json") }, "\(checked)")
        #expect(try await worker.terminate() == 0)
    }
}
