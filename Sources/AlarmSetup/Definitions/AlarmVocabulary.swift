/// A CloudWatch statistic: one of the standard five, or a percentile (`ExtendedStatistic`, e.g. `p99`).
enum AlarmStatistic: Sendable, Hashable {
    case sampleCount, average, sum, minimum, maximum
    /// Percentile in (0, 100), e.g. 99 for `p99`.
    case percentile(Double)

    /// The name the API and dashboards use: `Sum`, `Maximum`, `p99`, `p99.9`.
    var name: String {
        switch self {
        case .sampleCount: "SampleCount"
        case .average: "Average"
        case .sum: "Sum"
        case .minimum: "Minimum"
        case .maximum: "Maximum"
        case .percentile(let p):
            p == p.rounded() ? "p\(Int(p))" : "p\(p)"
        }
    }

    var isPercentile: Bool {
        if case .percentile = self { return true }
        return false
    }

    /// Parses `Sum`, `p99`, `p99.9`; `nil` for anything else (trimmed means and the like are not used).
    init?(name: String) {
        switch name {
        case "SampleCount": self = .sampleCount
        case "Average": self = .average
        case "Sum": self = .sum
        case "Minimum": self = .minimum
        case "Maximum": self = .maximum
        default:
            guard name.hasPrefix("p") || name.hasPrefix("P"), let p = Double(name.dropFirst()), p > 0, p < 100
            else { return nil }
            self = .percentile(p)
        }
    }
}

/// `ComparisonOperator` of PutMetricAlarm (static thresholds only).
enum AlarmComparison: String, Sendable, Hashable, Codable, CaseIterable {
    case greaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
    case greaterThanThreshold = "GreaterThanThreshold"
    case lessThanThreshold = "LessThanThreshold"
    case lessThanOrEqualToThreshold = "LessThanOrEqualToThreshold"

    /// Whether `value` breaches `threshold` under this operator.
    func breaches(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .greaterThanOrEqualToThreshold: value >= threshold
        case .greaterThanThreshold: value > threshold
        case .lessThanThreshold: value < threshold
        case .lessThanOrEqualToThreshold: value <= threshold
        }
    }

    /// `>`, `>=`, `<`, `<=` for human output.
    var symbol: String {
        switch self {
        case .greaterThanOrEqualToThreshold: ">="
        case .greaterThanThreshold: ">"
        case .lessThanThreshold: "<"
        case .lessThanOrEqualToThreshold: "<="
        }
    }
}

/// `TreatMissingData` of PutMetricAlarm: what a period without data counts as.
enum MissingDataTreatment: String, Sendable, Hashable, Codable, CaseIterable {
    /// Missing periods are left out; all missing gives INSUFFICIENT_DATA (the API's default).
    case missing
    /// Missing periods count as within the threshold.
    case notBreaching
    /// Missing periods count as breaching.
    case breaching
    /// Missing periods keep the current state.
    case ignore
}

/// The three states of an alarm.
enum AlarmState: String, Sendable, Hashable, Codable {
    case ok = "OK"
    case alarm = "ALARM"
    case insufficientData = "INSUFFICIENT_DATA"
}
