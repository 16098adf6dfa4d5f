import Foundation
import Testing
import TestSupport

@testable import Telemetry

/// The SLO file: the shipped one reads as documented, and every kind of bad file stops the
/// reader with one line naming the file, the SLO and the field.
@Suite("SLO file")
struct SLOFileTests {
    static let shipped: String = (try? String(contentsOf: SLODefinitions.bundledFile, encoding: .utf8)) ?? ""

    @Test("the shipped file: delivery (99 %, 120 s) and intake (99.9 %) active with three tiers each, quality (95 %, groundedness 0.6) too")
    func shippedFile() throws {
        let definitions = try SLODefinitions.load()
        #expect(definitions.objectives.map(\.name) == ["delivery", "intake", "quality"])
        let delivery = try #require(definitions.delivery)
        #expect(delivery.target == 0.99 && delivery.windowSeconds == 28 * 86_400 && delivery.goodWithinSeconds == 120)
        #expect(delivery.goodMetricName == MetricCatalogue.sloDeliveryGood.name && delivery.totalMetricName == MetricCatalogue.sloDeliveryTotal.name)
        #expect(delivery.tiers.map(\.name) == ["fast-burn", "slow-burn", "budget-burn"])
        #expect(delivery.tiers.map(\.severity) == [.page, .page, .ticket])
        #expect(delivery.tiers.map(\.longWindowSeconds) == [3_600, 21_600, 86_400])
        #expect(try #require(definitions.intake).target == 0.999)
        let quality = try #require(definitions.objective(named: "quality"))
        #expect(quality.status == .active && quality.target == 0.95 && quality.groundednessAtLeast == 0.6)
        // One bar for "grounded": the SLO's, the report's share, the evaluation label and the alarm's default.
        #expect(quality.groundednessAtLeast == ServiceLevelObjectives.groundednessThreshold)
        #expect(quality.goodMetricName == MetricCatalogue.sloQualityGood.name && quality.totalMetricName == MetricCatalogue.sloQualityTotal.name)
        #expect(definitions.active.map(\.name) == ["delivery", "intake", "quality"])
    }

    /// Reads `text` as the file `bad.yaml` and returns the error's one line.
    private func problem(_ text: String) throws -> String {
        do {
            _ = try SLODefinitions.parse(text, file: "slo/bad.yaml")
        } catch {
            #expect(!error.description.contains("\n"), "one line: \(error.description)")
            #expect(error.description.hasPrefix("SLO file slo/bad.yaml"), "\(error.description)")
            return error.description
        }
        Issue.record("the file was accepted")
        return ""
    }

    /// The shipped file with `old` replaced by `new` (exactly once).
    private func edited(_ old: String, _ new: String, occurrence: Int = 0) throws -> String {
        let ranges = Self.shipped.ranges(of: old)
        let range = try #require(ranges.count > occurrence ? ranges[occurrence] : nil, "'\(old)' is in the shipped file")
        return Self.shipped.replacingCharacters(in: range, with: new)
    }

    @Test("an unknown field names the SLO and the field's path")
    func unknownField() throws {
        let text = try problem(try edited("  budgetingMethod: Occurrences\n", "  budgetingMethod: Occurrences\n  colour: blue\n"))
        #expect(text.contains("SLO 'delivery', field spec.colour: unknown field"), "\(text)")
        let nested = try problem(try edited("                lookbackWindow: 6h\n", "                lookbackWindow: 6h\n                alertAfter: 5m\n", occurrence: 0))
        #expect(nested.contains("SLO 'delivery', field spec.alertPolicies[1].spec.conditions[0].spec.condition.alertAfter: unknown field"), "\(nested)")
    }

    @Test("a target outside (0, 1) names the SLO and spec.objectives[0].target", arguments: ["1.5", "1", "0", "-0.2", "99.9"])
    func targetOutOfRange(target: String) throws {
        let text = try problem(try edited("      target: 0.999\n", "      target: \(target)\n"))
        #expect(text.contains("SLO 'intake', field spec.objectives[0].target: '\(target)' is outside (0, 1)"), "\(text)")
    }

    @Test("the quality SLO without its groundedness threshold, or with one outside (0, 1], names the annotation")
    func qualityThreshold() throws {
        let missing = try problem(try edited("    rag-worker/groundedness-at-least: \"0.6\"\n", ""))
        #expect(missing.contains("SLO 'quality', field metadata.annotations.rag-worker/groundedness-at-least: missing"), "\(missing)")
        let outside = try problem(try edited("rag-worker/groundedness-at-least: \"0.6\"", "rag-worker/groundedness-at-least: \"1.5\""))
        #expect(outside.contains("SLO 'quality', field metadata.annotations.rag-worker/groundedness-at-least: '1.5' is not a share in (0, 1]"), "\(outside)")
    }

    @Test("a look-back window CloudWatch alarms cannot express names the condition's lookbackWindow",
          arguments: [("3d", "longer than one day"), ("30m", "no short window"), ("90s", "not an alarm period"), ("40d", "longer than one day")])
    func inexpressibleWindow(window: String, reason: String) throws {
        let text = try problem(try edited("                lookbackWindow: 1d\n", "                lookbackWindow: \(window)\n", occurrence: 1))
        #expect(text.contains("SLO 'intake', field spec.alertPolicies[2].spec.conditions[0].spec.condition.lookbackWindow: '\(window)'"), "\(text)")
        #expect(text.contains(reason), "\(text)")
    }

    @Test("more problems, each one line naming the field: burn rate that can never fire, window, severity, metric, YAML syntax")
    func otherProblems() throws {
        let burn = try problem(try edited("                threshold: 13.44\n", "                threshold: 200\n"))
        #expect(burn.contains("SLO 'delivery', field spec.alertPolicies[0].spec.conditions[0].spec.condition.threshold") && burn.contains("could never fire"), "\(burn)")
        let window = try problem(try edited("    - duration: 28d\n", "    - duration: 36h\n"))
        #expect(window.contains("SLO 'delivery', field spec.timeWindow[0].duration: '36h'"), "\(window)")
        let severity = try problem(try edited("              severity: ticket\n", "              severity: sms\n"))
        #expect(severity.contains("SLO 'delivery', field spec.alertPolicies[2].spec.conditions[0].spec.severity: 'sms' is not page or ticket"), "\(severity)")
        let metric = try problem(try edited("              metricName: SLOIntakeGood\n", "              metricName: SLOIntakeGod\n"))
        #expect(metric.contains("SLO 'intake', field spec.indicator.spec.ratioMetric.good.metricSource.spec.metricName: 'SLOIntakeGod' is not in the metric catalogue"), "\(metric)")
        let syntax = try problem(try edited("  budgetingMethod: Occurrences\n", "  budgetingMethod: [Occurrences\n"))
        #expect(syntax.contains("not valid YAML"), "\(syntax)")
        #expect(syntax.range(of: #"bad\.yaml:\d+"#, options: .regularExpression) != nil, "the line is named: \(syntax)")
        let missing = try problem(try edited("    rag-worker/good-within-seconds: \"120\"\n", ""))
        #expect(missing.contains("SLO 'delivery', field metadata.annotations.rag-worker/good-within-seconds: missing"), "\(missing)")
    }

    @Test("a file that cannot be read names it")
    func unreadable() {
        #expect(throws: SLOFileError.self) { try SLODefinitions.load(path: "/nonexistent/slo.yaml") }
        do {
            _ = try SLODefinitions.load(environment: [SLODefinitions.environmentKey: "/nonexistent/other.yaml"])
        } catch {
            #expect(error.description.hasPrefix("SLO file /nonexistent/other.yaml: cannot be read"), "\(error.description)")
        }
    }

    @Test("the minimum-traffic guard: the fewest events for which one failure stays under each page tier")
    func minimumEvents() throws {
        let definitions = try SLODefinitions.load()
        let delivery = try #require(definitions.delivery), intake = try #require(definitions.intake)
        #expect(delivery.tiers.map { $0.minimumEvents(target: delivery.target) } == [8, 18, nil])
        #expect(intake.tiers.map { $0.minimumEvents(target: intake.target) } == [75, 179, nil])
        for objective in [delivery, intake] {
            for tier in objective.tiers {
                guard let events = tier.minimumEvents(target: objective.target) else { continue }
                let ratio = tier.errorRatioThreshold(target: objective.target)
                #expect(1 / Double(events) < ratio && 1 / Double(events - 1) >= ratio, "\(objective.name) \(tier.name)")
            }
        }
    }
}
