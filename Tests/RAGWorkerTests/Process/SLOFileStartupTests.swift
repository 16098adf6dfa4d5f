import Foundation
import Testing
import TestSupport

/// A bad SLO file (`RAG_SLO_FILE`) stops the worker at start-up with one line naming the file, the
/// SLO and the field, and exit status 78 like every configuration error.
@Suite("SLO file at start-up")
struct SLOFileStartupTests {
    @Test("serve with a look-back window of 3d: exit 78, one line naming the file, SLO 'delivery' and the field")
    func badFileStopsServe() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shipped = try String(contentsOf: PackagePaths.root.appendingPathComponent("Sources/Telemetry/Resources/slo/rag-worker.yaml"), encoding: .utf8)
        let bad = directory.path + "/slo.yaml"
        let range = try #require(shipped.range(of: "                lookbackWindow: 1d\n"))
        try shipped.replacingCharacters(in: range, with: "                lookbackWindow: 3d\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try await runWorkerCommand(["serve"], environment: [
            "RAG_SLO_FILE": bad, "RAG_DATA_DIR": directory.path + "/data", "PORT": "0",
        ])
        #expect(result.status == 78, "\(result.output)")
        let lines = result.output.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(result.output)")
        let line = String(lines.first ?? "")
        #expect(line.hasPrefix("rag-worker: SLO file \(bad):"), "\(line)")
        #expect(line.hasSuffix(": SLO 'delivery', field spec.alertPolicies[2].spec.conditions[0].spec.condition.lookbackWindow: '3d' is longer than one day, CloudWatch's longest alarm period"), "\(line)")
    }
}
