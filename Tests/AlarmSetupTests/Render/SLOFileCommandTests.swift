import Foundation
import TestSupport
import Testing

@testable import AlarmSetup

/// A bad SLO file stops alarm-setup (the built binary, as an operator runs it) with one line
/// naming the file, the SLO and the field, before any AWS call or file is written.
@Suite("SLO file in alarm-setup")
struct SLOFileCommandTests {
    @Test("render and plan with a target of 1.5: exit status 1, one line naming the file, SLO 'intake' and its target, nothing written")
    func badFileStops() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shipped = try String(contentsOf: SLODefinitionsFile.url, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad-slo.yaml")
        try shipped.replacingOccurrences(of: "      target: 0.999\n", with: "      target: 1.5\n").write(to: bad, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out")
        let expected = ": SLO 'intake', field spec.objectives[0].target: '1.5' is outside (0, 1)"
        for arguments in [["render", "--output", output.path, "--slo-file", bad.path], ["plan", "--endpoint-name", "ep"]] {
            // `plan` reads RAG_SLO_FILE; it stops before asking AWS anything (no credentials given).
            let result = try await runChildProcess(
                PackagePaths.executable("alarm-setup"), arguments: arguments,
                environment: ["PATH": "/usr/bin:/bin", "RAG_SLO_FILE": bad.path, "AWS_REGION": "us-east-1"],
                separateStandardError: true)
            #expect(result.status == 1, "\(arguments[0]): \(result.standardError)")
            let lines = result.standardError.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(arguments[0]): \(result.standardError)")
            let line = String(lines.first ?? "")
            // The file, with the field's line in it, then the SLO and the field.
            #expect(line.hasPrefix("Error: SLO file \(bad.path):") && line.hasSuffix(expected), "\(line)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
