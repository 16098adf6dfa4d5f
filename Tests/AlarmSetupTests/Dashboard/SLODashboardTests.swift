import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

/// The dashboard's SLO row, from the SLO file, and the drift check that keeps the committed
/// dashboard equal to it.
@Suite("Dashboard SLO row")
struct SLODashboardTests {
    private func widgets(_ body: JSONValue) -> [JSONValue] {
        guard case .array(let widgets)? = body["widgets"] else { return [] }
        return widgets
    }

    @Test("the row: the objectives in text, each active SLO's bad share per hour against its tiers' ratios, the tiers' alarm states")
    func row() throws {
        let definitions = try Fixtures.definitions()
        let body = try Fixtures.rendered(definitions).dashboard
        let all = widgets(body)
        let text = try #require(all.first { $0["properties"]?["markdown"]?.stringValue?.contains("## Service level objectives") == true })
        let markdown = try #require(text["properties"]?["markdown"]?.stringValue)
        #expect(markdown.contains("**delivery**") && markdown.contains("99 % over 28d") && markdown.contains("**quality**"))
        for slo in ["delivery", "intake", "quality"] {
            let graph = try #require(all.first { $0["properties"]?["title"]?.stringValue == "SLO \(slo): bad events (%) against its burn-rate tiers" })
            let rendered = String(decoding: try graph.encoded(pretty: false), as: UTF8.self)
            #expect(rendered.contains("100 * (total - FILL(good, 0)) / total"))
            let objective = try #require(definitions.objectives.objective(named: slo))
            for tier in objective.tiers {
                #expect(rendered.contains("\"value\":\(tier.errorPercentThreshold(target: objective.target).compactText)"), "\(slo) \(tier.name)")
            }
        }
        let states = try #require(all.first { $0["properties"]?["title"]?.stringValue == "SLO burn-rate tiers (page and ticket)" })
        let rendered = String(decoding: try states.encoded(pretty: false), as: UTF8.self)
        #expect(rendered.contains("rag-worker-test-slo-delivery-fast-burn") && rendered.contains("rag-worker-test-slo-intake-budget-burn"))
        #expect(DashboardValidator.problems(name: definitions.target.dashboardName, body: body).isEmpty)
    }

    @Test("check-dashboards: a committed dashboard whose SLO row differs (a tier's line moved) fails with the diff")
    func driftCheckCoversRow() async throws {
        let copy = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: copy) }
        for name in ["rag-worker-prod.json", "rag-worker-prod.alarms.json"] {
            try FileManager.default.copyItem(
                at: RenderTests.root.appendingPathComponent("dashboards/\(name)"), to: copy.appendingPathComponent(name))
        }
        let edited = copy.appendingPathComponent("rag-worker-prod.json")
        let text = try String(contentsOf: edited, encoding: .utf8)
        let line = "\"label\" : \"fast-burn (page, 1h) 13.44 %\",\n"
        let label = try #require(text.range(of: line), "the committed dashboard has the SLO row: run scripts/check-dashboards --write")
        // The threshold line's value right after its label: moved from 13.44 to 14.4.
        let value = try #require(text.range(of: "\"value\" : 13.44", range: label.upperBound..<text.endIndex))
        try text.replacingCharacters(in: value, with: "\"value\" : 14.4").write(to: edited, atomically: true, encoding: .utf8)
        let (status, output) = try await RenderTests.checkDashboards(environment: ["DASHBOARDS_DIR": copy.path])
        #expect(status == 1, "\(output)")
        #expect(output.contains("\"value\" : 14.4") && output.contains("\"value\" : 13.44"), "\(output)")
    }
}
