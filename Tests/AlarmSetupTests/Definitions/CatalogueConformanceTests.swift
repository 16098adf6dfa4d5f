import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

/// Every metric named in the rendered files (alarms and dashboard) is one the worker emits, with the
/// catalogue's unit and dimensions, or one of the declared SageMaker metrics.
@Suite("Catalogue conformance")
struct CatalogueConformanceTests {
    /// A metric as named in a rendered file.
    struct Use: CustomStringConvertible {
        let namespace: String
        let name: String
        let dimensions: [(String, String?)]
        let unit: String?
        let place: String
        var description: String { "\(place): \(namespace)/\(name) \(dimensions.map(\.0))" }
    }

    @Test("rendered alarms and widgets, default namespace, only catalogue metrics with their units and dimensions",
          arguments: [nil, "Custom/RAG"])
    func everyMetricIsEmitted(namespace: String?) throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let definitions = try Fixtures.definitions(settings, target: Fixtures.target(namespace: namespace))
        let (dashboard, alarms) = try Fixtures.rendered(definitions)
        let uses = Self.uses(inAlarms: alarms) + Self.uses(inDashboard: dashboard)
        #expect(uses.count > 40)
        for use in uses {
            let problems = Self.problems(use, namespace: definitions.target.namespace, endpoint: Fixtures.endpoint)
            #expect(problems.isEmpty, "\(use): \(problems)")
        }
    }

    @Test("dashboard, default settings, shows every metric of the catalogue and every SageMaker metric declared")
    func dashboardCoversCatalogue() throws {
        let (dashboard, _) = try Fixtures.rendered(try Fixtures.definitions())
        let shown = Set(Self.uses(inDashboard: dashboard).map(\.name))
        #expect(Set(MetricCatalogue.all.map(\.name)).subtracting(shown).isEmpty)
        #expect(Set(ExternalMetricCatalogue.all.map(\.name)).subtracting(shown).isEmpty)
    }

    @Test("dashboard graphs, each axis labelled with the unit of the metrics drawn on it")
    func axisUnits() throws {
        let definitions = try Fixtures.definitions()
        let (dashboard, _) = try Fixtures.rendered(definitions)
        var checked = 0
        for widget in dashboard["widgets"]?.arrayValue ?? [] where widget["type"]?.stringValue == "metric" {
            let properties = try #require(widget["properties"])
            for row in properties["metrics"]?.arrayValue ?? [] {
                let items = row.arrayValue ?? []
                guard items.count >= 2, let namespace = items[0].stringValue, let name = items[1].stringValue else { continue }
                let options = items.last?.objectValue ?? [:]
                if options["visible"] == .bool(false) { continue }
                let unit = namespace == definitions.target.namespace
                    ? MetricCatalogue.definition(named: name)?.unit.rawValue
                    : ExternalMetricCatalogue.all.first { $0.name == name }?.unit.rawValue
                let axis = options["yAxis"]?.stringValue ?? "left"
                #expect(properties["yAxis"]?[axis]?["label"]?.stringValue == unit, "\(name) on \(axis) axis")
                checked += 1
            }
        }
        #expect(checked > 30)
    }

    @Test("checker, a metric outside the catalogue or with a wrong unit or dimension, is reported")
    func checkerCatchesStrangers() {
        let ns = MetricCatalogue.defaultNamespace
        let bad = [
            Use(namespace: ns, name: "JobLatencyMs", dimensions: [("EndpointName", Fixtures.endpoint)], unit: nil, place: "a"),
            Use(namespace: ns, name: "JobLatency", dimensions: [("EndpointName", Fixtures.endpoint)], unit: "Milliseconds", place: "b"),
            Use(namespace: ns, name: "StageLatency", dimensions: [("EndpointName", Fixtures.endpoint)], unit: nil, place: "c"),
            Use(namespace: ns, name: "JobLatency", dimensions: [("EndpointName", "other")], unit: nil, place: "d"),
            Use(namespace: "AWS/SageMaker", name: "ModelLatency", dimensions: [("EndpointName", Fixtures.endpoint)], unit: nil, place: "e"),
            Use(namespace: ns, name: "StageLatency",
                dimensions: [("EndpointName", Fixtures.endpoint), ("Stage", "teleport")], unit: nil, place: "f"),
        ]
        for use in bad {
            #expect(!Self.problems(use, namespace: ns, endpoint: Fixtures.endpoint).isEmpty, "\(use)")
        }
    }

    static func problems(_ use: Use, namespace: String, endpoint: String) -> [String] {
        var problems: [String] = []
        let keys = use.dimensions.map(\.0)
        for (key, value) in use.dimensions {
            if key == "EndpointName", value != endpoint { problems.append("EndpointName is \(value ?? "nil")") }
            if key == "Stage", let value, PipelineStage(rawValue: value) == nil { problems.append("unknown stage \(value)") }
        }
        if use.namespace == namespace {
            guard let definition = MetricCatalogue.definition(named: use.name) else { return ["not in the catalogue"] }
            if Set(keys) != Set(definition.allDimensions.map(\.rawValue)) || keys.count != definition.allDimensions.count {
                problems.append("dimensions \(keys), catalogue \(definition.allDimensions.map(\.rawValue))")
            }
            if let unit = use.unit, unit != definition.unit.rawValue { problems.append("unit \(unit), catalogue \(definition.unit.rawValue)") }
            return problems
        }
        guard let external = ExternalMetricCatalogue.all.first(where: { $0.namespace == use.namespace && $0.name == use.name })
        else { return ["neither the worker's (namespace \(namespace)) nor a declared SageMaker metric"] }
        if Set(keys) != Set(external.dimensions.map(\.rawValue)) { problems.append("dimensions \(keys)") }
        if use.unit != nil { problems.append("an alarm on a SageMaker metric must not filter on Unit") }
        return problems
    }

    /// Metrics named by the alarms file: top-level single-metric alarms and `Metrics[].MetricStat`.
    static func uses(inAlarms alarms: JSONValue) -> [Use] {
        var uses: [Use] = []
        for alarm in alarms["MetricAlarms"]?.arrayValue ?? [] {
            let place = alarm["AlarmName"]?.stringValue ?? "?"
            if let name = alarm["MetricName"]?.stringValue {
                uses.append(Use(
                    namespace: alarm["Namespace"]?.stringValue ?? "", name: name,
                    dimensions: dimensions(alarm["Dimensions"]), unit: alarm["Unit"]?.stringValue, place: place))
            }
            for query in alarm["Metrics"]?.arrayValue ?? [] {
                guard let stat = query["MetricStat"], let metric = stat["Metric"] else { continue }
                uses.append(Use(
                    namespace: metric["Namespace"]?.stringValue ?? "", name: metric["MetricName"]?.stringValue ?? "",
                    dimensions: dimensions(metric["Dimensions"]), unit: stat["Unit"]?.stringValue, place: place))
            }
        }
        return uses
    }

    private static func dimensions(_ json: JSONValue?) -> [(String, String?)] {
        (json?.arrayValue ?? []).map { ($0["Name"]?.stringValue ?? "", $0["Value"]?.stringValue) }
    }

    /// Metrics named by the dashboard: metric rows and the schema of SEARCH expressions.
    static func uses(inDashboard dashboard: JSONValue) -> [Use] {
        var uses: [Use] = []
        for widget in dashboard["widgets"]?.arrayValue ?? [] where widget["type"]?.stringValue == "metric" {
            let place = widget["properties"]?["title"]?.stringValue ?? "?"
            for row in widget["properties"]?["metrics"]?.arrayValue ?? [] {
                let strings = (row.arrayValue ?? []).compactMap(\.stringValue)
                if strings.count >= 2 {
                    let pairs = stride(from: 2, to: strings.count - 1, by: 2).map { (strings[$0], Optional(strings[$0 + 1])) }
                    uses.append(Use(namespace: strings[0], name: strings[1], dimensions: pairs, unit: nil, place: place))
                } else if let expression = row.arrayValue?.first?["expression"]?.stringValue,
                    let use = searchUse(expression, place: place)
                {
                    uses.append(use)
                }
            }
        }
        return uses
    }

    /// `SEARCH('{"NS","K1","K2"} MetricName="M" K1="v"', …)` → namespace NS, metric M, keys K1, K2.
    private static func searchUse(_ expression: String, place: String) -> Use? {
        guard expression.hasPrefix("SEARCH('{"), let close = expression.firstIndex(of: "}") else { return nil }
        let schema = expression[expression.index(expression.startIndex, offsetBy: 9)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        guard let nameRange = expression.range(of: "MetricName=\"") else { return nil }
        let name = expression[nameRange.upperBound...].prefix { $0 != "\"" }
        let endpoint = expression.range(of: "EndpointName=\"").map { expression[$0.upperBound...].prefix { $0 != "\"" } }
        let dimensions = schema.dropFirst().map { key in (key, key == "EndpointName" ? endpoint.map(String.init) : nil) }
        return Use(namespace: schema[0], name: String(name), dimensions: Array(dimensions), unit: nil, place: place)
    }
}
