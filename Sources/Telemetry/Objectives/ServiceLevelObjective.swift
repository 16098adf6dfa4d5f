import Foundation

/// One service level objective as the SLO file defines it (a subset of OpenSLO v1, see
/// docs/observability.md#slo-file): a ratio of two catalogue counters over a rolling window, a
/// target, and the burn-rate tiers alarm-setup turns into alarms.
public struct ServiceLevelObjective: Sendable, Hashable {
    /// Whether the worker emits the SLO's counts yet.
    public enum Status: String, Sendable, Hashable {
        /// Counted, alarmed, on the dashboard and in the reports.
        case active
        /// Declared ahead of the signal it needs (`rag-worker/status: pending`): nothing is built
        /// from it, and `rag-worker slo` lists it as pending.
        case pending
    }

    /// `metadata.name`: a lowercase DNS label, part of alarm names (`<endpoint>-slo-<name>-…`).
    public var name: String
    public var displayName: String
    public var summary: String
    public var status: Status
    /// The good-events counter's catalogue name (`indicator.spec.ratioMetric.good`).
    public var goodMetricName: String
    /// The total-events counter's catalogue name (`indicator.spec.ratioMetric.total`).
    public var totalMetricName: String
    /// The rolling window, in seconds (`timeWindow[0].duration`).
    public var windowSeconds: Int
    /// The objective's target, in (0, 1): the share of events that must be good.
    public var target: Double
    /// The alert policies' burn-rate conditions, in file order.
    public var tiers: [BurnRateTier]
    /// `metadata.annotations`: the worker's extensions (``Annotation``).
    public var annotations: [String: String]

    public init(
        name: String, displayName: String, summary: String = "", status: Status = .active,
        goodMetricName: String, totalMetricName: String, windowSeconds: Int, target: Double,
        tiers: [BurnRateTier] = [], annotations: [String: String] = [:]
    ) {
        self.name = name
        self.displayName = displayName
        self.summary = summary
        self.status = status
        self.goodMetricName = goodMetricName
        self.totalMetricName = totalMetricName
        self.windowSeconds = windowSeconds
        self.target = target
        self.tiers = tiers
        self.annotations = annotations
    }

    /// The annotations the worker reads (OpenSLO leaves `metadata.annotations` to tools).
    public enum Annotation {
        /// `pending`: the SLO waits for its signal (``Status/pending``).
        public static let status = "rag-worker/status"
        /// Delivery: a job is good when delivered at most this many seconds after its acceptance.
        public static let goodWithinSeconds = "rag-worker/good-within-seconds"
        /// Quality: a proposal is good when its groundedness is at least this (0–1).
        public static let groundednessAtLeast = "rag-worker/groundedness-at-least"

        static let all: Set<String> = [status, goodWithinSeconds, groundednessAtLeast]
    }

    /// The error budget as a share of events: `1 − target`.
    public var errorBudget: Double { 1 - target }

    /// The delivery SLO's limit in seconds (``Annotation/goodWithinSeconds``), when set.
    public var goodWithinSeconds: Double? {
        annotations[Annotation.goodWithinSeconds].flatMap(Double.init)
    }

    /// The quality SLO's per-proposal threshold (``Annotation/groundednessAtLeast``), when set.
    public var groundednessAtLeast: Double? {
        annotations[Annotation.groundednessAtLeast].flatMap(Double.init)
    }

    /// The catalogue definitions of the good and total counters; nil while the SLO is pending or
    /// the catalogue lacks them.
    public var metrics: (good: MetricDefinition, total: MetricDefinition)? {
        guard status == .active, let good = MetricCatalogue.definition(named: goodMetricName),
              let total = MetricCatalogue.definition(named: totalMetricName) else { return nil }
        return (good, total)
    }

    /// The window in days, for people (`28`).
    public var windowDays: Double { Double(windowSeconds) / 86_400 }

    /// `99 %`, `99.9 %`: the target as people write it.
    public var targetText: String { SLONumber.percent(target) }
}

/// One burn-rate tier: an OpenSLO alert policy whose condition is `kind: burnrate`, `op: gte`.
///
/// alarm-setup builds it as two metric-math alarms on the error ratio, over the long window
/// (`lookbackWindow`) and a short one of 1/12 of it, joined by a composite alarm that is in ALARM
/// when both are (the SRE Workbook's multiwindow, multi-burn-rate alert).
public struct BurnRateTier: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case page
        case ticket
    }

    /// The alert policy's `metadata.name` (e.g. `fast-burn`): part of the alarm names.
    public var name: String
    public var summary: String
    public var severity: Severity
    /// The condition's `threshold`: how many times faster than the budget allows.
    public var burnRate: Double
    /// The condition's `lookbackWindow`, in seconds.
    public var longWindowSeconds: Int

    public init(name: String, summary: String = "", severity: Severity, burnRate: Double, longWindowSeconds: Int) {
        self.name = name
        self.summary = summary
        self.severity = severity
        self.burnRate = burnRate
        self.longWindowSeconds = longWindowSeconds
    }

    /// The short window: 1/12 of the long one, as the workbook recommends.
    public var shortWindowSeconds: Int { longWindowSeconds / 12 }

    /// The error ratio (bad / total, 0–1) at which the tier fires for an objective of `target`:
    /// `burnRate × (1 − target)`, rounded to ten significant digits so that a decimal written in
    /// the file stays that decimal (13.44 × 0.001 is 0.01344, not 0.013439999999999999).
    public func errorRatioThreshold(target: Double) -> Double {
        SLONumber.rounded(burnRate * (1 - target))
    }

    /// The same threshold in percent, as the alarms compare it.
    public func errorPercentThreshold(target: Double) -> Double {
        SLONumber.rounded(burnRate * (1 - target) * 100)
    }

    /// The share of the window's budget this tier has spent when it fires at exactly its burn
    /// rate over its long window: `burnRate × long window / SLO window`.
    public func budgetShare(windowSeconds: Int) -> Double {
        burnRate * Double(longWindowSeconds) / Double(windowSeconds)
    }

    /// The minimum-traffic guard of a page tier: the fewest events in the long window for which
    /// one bad event among them stays under the threshold. Below it the tier does not page at
    /// all; at or above it one failure alone cannot page. Nil for tickets (not guarded).
    public func minimumEvents(target: Double) -> Int? {
        guard severity == .page else { return nil }
        let ratio = errorRatioThreshold(target: target)
        guard ratio > 0 else { return nil }
        // The smallest N with 1 / N < ratio.
        var events = Int((1 / ratio).rounded(.down)) + 1
        while events > 1, 1 / Double(events - 1) < ratio { events -= 1 }
        return events
    }
}

/// Number formatting shared by the SLO's users.
public enum SLONumber {
    /// `value` rounded to ten significant digits, as the nearest double to that decimal.
    public static func rounded(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        return Double(String(format: "%.10g", value)) ?? value
    }

    /// A share (0–1) in percent without trailing zeros: 0.999 → `99.9 %`.
    public static func percent(_ share: Double, digits: Int = 4) -> String {
        "\(plain(share * 100, digits: digits)) %"
    }

    /// `value` with at most `digits` decimals and no trailing zeros.
    public static func plain(_ value: Double, digits: Int = 4) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
