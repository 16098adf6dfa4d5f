import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

@Suite("Dashboard")
struct DashboardTests {
    private func widgets(_ body: JSONValue) -> [JSONValue] { body["widgets"]?.arrayValue ?? [] }

    private func widget(titled prefix: String, in body: JSONValue) throws -> JSONValue {
        try #require(widgets(body).first { $0["properties"]?["title"]?.stringValue?.hasPrefix(prefix) == true })
    }

    @Test("rendered dashboard, default and composite settings, within CloudWatch's structure and limits",
          arguments: [false, true])
    func withinLimits(composite: Bool) throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = composite
        let definitions = try Fixtures.definitions(settings)
        let (body, _) = try Fixtures.rendered(definitions)
        #expect(DashboardValidator.problems(name: definitions.target.dashboardName, body: body) == [])
        let size = try body.encoded(pretty: false).count
        #expect(size < DashboardLimits.maximumBodyBytes)
        let kinds = Set(widgets(body).compactMap { $0["type"]?.stringValue })
        #expect(kinds == ["metric", "text", "log", "alarm"])
    }

    @Test("job latency widget, p50 to max, with a horizontal line at the 120 s limit")
    func latencyLine() throws {
        let (body, _) = try Fixtures.rendered(try Fixtures.definitions())
        let latency = try widget(titled: "Job latency", in: body)
        let lines = latency["properties"]?["annotations"]?["horizontal"]?.arrayValue ?? []
        #expect(lines.compactMap { $0["value"]?.numberValue } == [120])
        let stats = (latency["properties"]?["metrics"]?.arrayValue ?? []).compactMap { $0.arrayValue?.last?["stat"]?.stringValue }
        #expect(stats == ["p50", "p90", "p99", "Maximum"])
    }

    @Test("stage widgets, one line per pipeline stage in order")
    func stageLines() throws {
        let (body, _) = try Fixtures.rendered(try Fixtures.definitions())
        for title in ["Stage latency breakdown", "Stage latency p99"] {
            let rows = try widget(titled: title, in: body)["properties"]?["metrics"]?.arrayValue ?? []
            let stages = rows.compactMap { $0.arrayValue?[5].stringValue }
            #expect(stages == PipelineStage.allCases.map(\.rawValue))
        }
    }

    @Test("alarm widget lists the ARN of every wanted alarm; log widgets query the worker's log group")
    func alarmsAndLogs() throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let definitions = try Fixtures.definitions(settings)
        let (body, _) = try Fixtures.rendered(definitions)
        let alarmWidget = try #require(widgets(body).first { $0["type"]?.stringValue == "alarm" })
        let arns = (alarmWidget["properties"]?["alarms"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(arns == definitions.alarmNames.map { "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:\($0)" })
        let queries = widgets(body).filter { $0["type"]?.stringValue == "log" }.compactMap { $0["properties"]?["query"]?.stringValue }
        #expect(queries == [
            "SOURCE '/aws/sagemaker/Endpoints/rag-worker-test' | \(LogsInsightsQueries.slowestJobs)",
            "SOURCE '/aws/sagemaker/Endpoints/rag-worker-test' | \(LogsInsightsQueries.failedJobs)",
        ])
    }

    @Test("validator, widths, overlaps, metric counts, statistics and widget types outside the limits, each reported")
    func validatorRejects() throws {
        func body(_ widgets: [JSONValue]) -> JSONValue { ["widgets": .array(widgets)] }
        func metricWidget(x: Int = 0, y: Int = 0, width: Int = 6, rows: [JSONValue]) -> JSONValue {
            ["type": "metric", "x": .number(Double(x)), "y": .number(Double(y)), "width": .number(Double(width)), "height": 6,
             "properties": ["region": "us-east-1", "metrics": .array(rows)]]
        }
        let row: JSONValue = ["RAGWorker", "JobLatency", "EndpointName", "e"]
        let cases: [(String, JSONValue, String)] = [
            ("too wide", body([metricWidget(width: 25, rows: [row])]), "width 25"),
            ("off grid", body([metricWidget(x: 20, width: 6, rows: [row])]), "does not fit"),
            ("overlap", body([metricWidget(rows: [row]), metricWidget(x: 3, rows: [row])]), "overlaps"),
            ("metrics per widget", body([metricWidget(rows: Array(repeating: row, count: 501))]), "over 500"),
            ("metrics per dashboard", body((0..<6).map { metricWidget(y: $0 * 6, rows: Array(repeating: row, count: 450)) }), "over 2500"),
            ("widgets", body((0..<501).map { metricWidget(y: $0 * 6, rows: [row]) }), "501 widgets"),
            ("statistic", body([metricWidget(rows: [["RAGWorker", "JobLatency", ["stat": "p101"]]])]), "unknown statistic"),
            ("odd row", body([metricWidget(rows: [["RAGWorker", "JobLatency", "EndpointName"]])]), "a row is"),
            ("type", body([["type": "pie", "x": 0, "y": 0, "width": 6, "height": 6, "properties": [:]]]), "unknown type"),
            ("log", body([["type": "log", "x": 0, "y": 0, "width": 6, "height": 6, "properties": ["query": "fields @message", "region": "us-east-1"]]]), "SOURCE"),
            ("alarm", body([["type": "alarm", "x": 0, "y": 0, "width": 6, "height": 6, "properties": ["alarms": []]]]), "1–100 alarm ARNs"),
        ]
        for (name, body, expected) in cases {
            let problems = DashboardValidator.problems(name: "d", body: body)
            #expect(problems.contains { $0.contains(expected) }, "\(name): \(problems)")
        }
        #expect(DashboardValidator.problems(name: "bad name!", body: body([])).count == 1)
        #expect(DashboardValidator.problems(name: "ok", body: body([metricWidget(rows: [row])])) == [])
    }

    @Test("layout, widgets flowing past column 24, wrap to a new row below the tallest")
    func layout() {
        let widgets = [12, 12, 8, 8, 8, 24].map { DashboardWidget(kind: .text, width: $0, height: $0 == 24 ? 2 : 6, properties: [:]) }
        let placed = Dashboard(name: "d", flowing: widgets).widgets.map { [$0.x, $0.y] }
        #expect(placed == [[0, 0], [12, 0], [0, 6], [8, 6], [16, 6], [0, 12]])
    }
}
