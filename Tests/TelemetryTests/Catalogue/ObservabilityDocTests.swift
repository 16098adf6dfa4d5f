import Foundation
import Testing
import TestSupport
@testable import Telemetry

@Suite("docs/observability.md")
struct ObservabilityDocTests {
    private let document: String

    init() throws {
        document = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/observability.md"), encoding: .utf8)
    }

    @Test("every catalogue metric, with its unit and dimensions, has a row")
    func metrics() {
        for metric in MetricCatalogue.all {
            let row = document.split(separator: "\n").first { $0.hasPrefix("| `\(metric.name)` |") }
            #expect(row != nil, "no row for \(metric.name)")
            guard let row else { continue }
            #expect(row.contains("| \(metric.kind.rawValue) |"), "\(metric.name): kind")
            #expect(row.contains("| \(metric.unit.rawValue) |"), "\(metric.name): unit")
            #expect(row.contains(metric.allDimensions.map(\.rawValue).joined(separator: ", ")), "\(metric.name): dimensions")
        }
    }

    @Test("every span attribute (SpanAttributes.all), log key and stage span is named")
    func names() {
        let attributes = SpanAttributes.all + [LogKeys.jobID, LogKeys.traceID, LogKeys.spanID, LogKeys.stage, LogKeys.provider]
        #expect(!attributes.contains("gen_ai.system"), "gen_ai.system is deprecated: gen_ai.provider.name replaces it")
        for name in attributes {
            #expect(document.contains("`\(name)`"), "\(name) is not documented")
        }
        for stage in PipelineStage.allCases {
            #expect(document.contains("`\(stage.spanName)`"), "\(stage.spanName) is not documented")
        }
    }

    @Test("every setting the configuration reads is in the settings table")
    func settings() throws {
        let source = try String(contentsOf: PackagePaths.root.appendingPathComponent("Sources/Telemetry/Configuration/TelemetryConfiguration+Environment.swift"), encoding: .utf8)
        let variables = Set(source.matches(of: /"(RAG_[A-Z_]+)"/).map { String($0.1) })
        #expect(variables.count >= 15)
        for variable in variables {
            #expect(document.contains("| `\(variable)` |"), "\(variable) is not in the settings table")
        }
    }
}
