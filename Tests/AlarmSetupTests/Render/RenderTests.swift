import Foundation
import Testing
import TestSupport

@testable import AlarmSetup

@Suite("Render and check-dashboards")
struct RenderTests {
    /// The package root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `scripts/check-dashboards` with `environment` added; returns its exit status and output.
    static func checkDashboards(_ arguments: [String] = [], environment: [String: String]) async throws -> (Int32, String) {
        let script = root.appendingPathComponent("scripts/check-dashboards").path
        // The script changes to the repository root itself.
        let result = try await runChildProcess(
            URL(fileURLWithPath: "/bin/bash"), arguments: [script] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
        return (result.status, result.output)
    }

    @Test("render, written twice, gives identical files named after the endpoint")
    func deterministic() throws {
        let definitions = try Fixtures.definitions()
        let first = try Fixtures.temporaryDirectory()
        let second = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        let paths = try Renderer(definitions: definitions).write(to: first)
        _ = try Renderer(definitions: definitions).write(to: second)
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["rag-worker-test.json", "rag-worker-test.alarms.json"])
        for name in ["rag-worker-test.json", "rag-worker-test.alarms.json"] {
            let a = try Data(contentsOf: first.appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent(name))
            #expect(a == b && a.last == UInt8(ascii: "\n"))
        }
    }

    @Test("committed dashboards, compared with the default render, identical")
    func committedMatchesDefaults() throws {
        var target = DeploymentTarget(endpointName: TargetOptions.defaultEndpointName)
        target.region = "us-east-1"
        for file in try Renderer(definitions: AlarmDefinitions(target: target, settings: AlarmSettings())).files() {
            let committed = try Data(contentsOf: Self.root.appendingPathComponent("dashboards/\(file.name)"))
            #expect(committed == file.contents, "dashboards/\(file.name) drifted: run scripts/check-dashboards --write")
        }
    }

    @Test("check-dashboards, committed files, passes; an edited copy, fails with a diff")
    func checkScript() async throws {
        let (status, output) = try await Self.checkDashboards(environment: [:])
        #expect(status == 0, "\(output)")
        let copy = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["rag-worker-prod.json", "rag-worker-prod.alarms.json"] {
            try FileManager.default.copyItem(
                at: Self.root.appendingPathComponent("dashboards/\(name)"), to: copy.appendingPathComponent(name))
        }
        let edited = copy.appendingPathComponent("rag-worker-prod.json")
        let text = try String(contentsOf: edited, encoding: .utf8)
        try text.replacingOccurrences(of: "\"width\" : 24", with: "\"width\" : 23").write(to: edited, atomically: true, encoding: .utf8)
        let (editedStatus, editedOutput) = try await Self.checkDashboards(environment: ["DASHBOARDS_DIR": copy.path])
        #expect(editedStatus == 1)
        #expect(editedOutput.contains("-      \"width\" : 23"))
        #expect(editedOutput.contains("differs from 'alarm-setup render'"))
    }

    @Test("check-dashboards self-test passes")
    func selfTest() async throws {
        let (status, output) = try await Self.checkDashboards(["--self-test"], environment: [:])
        #expect(status == 0, "\(output)")
    }
}
