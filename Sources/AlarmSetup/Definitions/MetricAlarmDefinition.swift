import Telemetry

/// One metric alarm, shaped exactly like a PutMetricAlarm request.
///
/// It is either a single-metric alarm (`metric`, `statistic`, `period`) or a metric math alarm
/// (`metrics`). Its JSON encoding uses the API's member names, so a rendered definition can be read
/// side by side with `aws cloudwatch describe-alarms` output.
/// See <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>.
struct MetricAlarmDefinition: Sendable, Hashable {
    var alarmName: String
    var alarmDescription: String
    var actionsEnabled = true
    var alarmActions: [String]
    var okActions: [String]
    var insufficientDataActions: [String] = []
    var metric: MetricReference?
    var statistic: AlarmStatistic?
    var period: Int?
    var metrics: [MetricQueryDefinition]?
    var evaluationPeriods: Int
    var datapointsToAlarm: Int
    var threshold: Double
    var comparisonOperator: AlarmComparison
    var treatMissingData: MissingDataTreatment
    /// `evaluate` or `ignore`; set only on percentile alarms.
    var evaluateLowSampleCountPercentile: String?

    /// Every metric the alarm reads, whether directly or inside its math.
    var referencedMetrics: [MetricReference] {
        if let metric { return [metric] }
        return (metrics ?? []).compactMap(\.metric)
    }

    /// The period of the alarm's data points: its own, or that of its metric queries.
    var evaluationPeriodSeconds: Int {
        period ?? metrics?.compactMap(\.period).first ?? 60
    }
}

/// One entry of a metric math alarm's `Metrics`: a metric with a statistic, or an expression.
struct MetricQueryDefinition: Sendable, Hashable {
    var id: String
    var metric: MetricReference?
    var stat: AlarmStatistic?
    var period: Int?
    var expression: String?
    var label: String?
    var returnData: Bool

    /// A metric query (not returned; an expression uses it by `id`).
    static func metric(
        id: String, _ metric: MetricReference, stat: AlarmStatistic, period: Int
    ) -> MetricQueryDefinition {
        MetricQueryDefinition(
            id: id, metric: metric, stat: stat, period: period, expression: nil, label: nil, returnData: false)
    }

    /// The expression whose value the alarm compares with its threshold.
    static func expression(id: String, _ expression: String, label: String) -> MetricQueryDefinition {
        MetricQueryDefinition(
            id: id, metric: nil, stat: nil, period: nil, expression: expression, label: label, returnData: true)
    }
}

/// A composite alarm (PutCompositeAlarm): a rule over the states of other alarms.
struct CompositeAlarmDefinition: Sendable, Hashable, Codable {
    var alarmName: String
    var alarmDescription: String
    var actionsEnabled = true
    var alarmActions: [String]
    var okActions: [String]
    /// E.g. `ALARM("a") OR ALARM("b")`.
    var alarmRule: String
    /// The alarms named in the rule, in order.
    var inputAlarmNames: [String]
    /// An alarm whose ALARM state keeps this one's actions quiet (`ActionsSuppressor`), with the
    /// wait and extension periods PutCompositeAlarm requires beside it.
    var actionsSuppressor: String? = nil
    var actionsSuppressorWaitPeriod: Int? = nil
    var actionsSuppressorExtensionPeriod: Int? = nil

    enum CodingKeys: String, CodingKey {
        case alarmName = "AlarmName"
        case alarmDescription = "AlarmDescription"
        case actionsEnabled = "ActionsEnabled"
        case alarmActions = "AlarmActions"
        case okActions = "OKActions"
        case alarmRule = "AlarmRule"
        case inputAlarmNames = "InputAlarmNames"
        case actionsSuppressor = "ActionsSuppressor"
        case actionsSuppressorWaitPeriod = "ActionsSuppressorWaitPeriod"
        case actionsSuppressorExtensionPeriod = "ActionsSuppressorExtensionPeriod"
    }
}
