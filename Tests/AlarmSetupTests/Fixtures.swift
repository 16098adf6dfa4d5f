import Foundation
import Testing

@testable import AlarmSetup

/// Shared builders for the AlarmSetup tests.
enum Fixtures {
    static let endpoint = "rag-worker-test"
    /// Metric alarms alarm-setup makes by default: every kind but the composite page.
    static let metricAlarmCount = AlarmKind.allCases.count - 1
    /// The shipped SLO file's active objectives: delivery, intake and quality.
    static let activeSLOCount = 3
    /// The SLO file's burn-rate inputs: 3 active SLOs × 3 tiers × (long, short window).
    static let sloMetricAlarmCount = activeSLOCount * 3 * 2
    /// The SLO file's composites: per active SLO, 2 page tiers, its page composite and 1 ticket tier.
    static let sloCompositeCount = activeSLOCount * 4

    static func target(endpoint: String = endpoint, namespace: String? = nil) -> DeploymentTarget {
        var target = DeploymentTarget(endpointName: endpoint)
        if let namespace { target.namespace = namespace }
        target.region = "eu-west-1"
        target.accountID = "123456789012"
        return target
    }

    static func definitions(
        _ settings: AlarmSettings = AlarmSettings(), target: DeploymentTarget = target()
    ) throws -> AlarmDefinitions {
        try AlarmDefinitions(target: target, settings: settings)
    }

    /// The rendered files, parsed back as JSON (what `render` leaves on disk).
    static func rendered(_ definitions: AlarmDefinitions) throws -> (dashboard: JSONValue, alarms: JSONValue) {
        let files = try Renderer(definitions: definitions).files()
        let dashboard = try #require(files.first { $0.name == "\(definitions.target.endpointName).json" })
        let alarms = try #require(files.first { $0.name == "\(definitions.target.endpointName).alarms.json" })
        return (try JSONValue.decode(dashboard.contents), try JSONValue.decode(alarms.contents))
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alarm-setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
