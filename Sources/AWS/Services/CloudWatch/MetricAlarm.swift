/// The definition of a metric alarm, as PutMetricAlarm takes it and DescribeAlarms returns it,
/// so desired and actual alarms compare with `==`.
///
/// Either a single metric (`namespace`, `metricName`, `dimensions`, `period`, and `statistic` or
/// `extendedStatistic`), or metric math in `metrics` (exactly one query with `returnData: true`).
/// See [PutMetricAlarm](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
public struct MetricAlarm: Sendable, Hashable {
    public var alarmName: String
    public var alarmDescription: String?
    public var actionsEnabled: Bool
    /// SNS topic ARNs notified on entering OK, ALARM, INSUFFICIENT_DATA (≤ 5 each).
    public var okActions: [String]
    public var alarmActions: [String]
    public var insufficientDataActions: [String]

    public var namespace: String?
    public var metricName: String?
    public var dimensions: [MetricDimension]
    public var statistic: Statistic?
    /// A percentile such as `p99`, instead of `statistic`.
    public var extendedStatistic: String?
    public var period: Int?
    public var unit: MetricUnit?
    /// Metric-math queries, instead of the single-metric fields.
    public var metrics: [MetricDataQuery]

    /// N of "M out of N".
    public var evaluationPeriods: Int
    /// M of "M out of N"; `nil` means M = N.
    public var datapointsToAlarm: Int?
    public var threshold: Double?
    public var comparisonOperator: ComparisonOperator
    public var treatMissingData: TreatMissingData?
    /// `evaluate` or `ignore`: what too few samples mean for a percentile alarm.
    public var evaluateLowSampleCountPercentile: String?

    public init(
        alarmName: String,
        alarmDescription: String? = nil,
        actionsEnabled: Bool = true,
        okActions: [String] = [],
        alarmActions: [String] = [],
        insufficientDataActions: [String] = [],
        namespace: String? = nil,
        metricName: String? = nil,
        dimensions: [MetricDimension] = [],
        statistic: Statistic? = nil,
        extendedStatistic: String? = nil,
        period: Int? = nil,
        unit: MetricUnit? = nil,
        metrics: [MetricDataQuery] = [],
        evaluationPeriods: Int,
        datapointsToAlarm: Int? = nil,
        threshold: Double?,
        comparisonOperator: ComparisonOperator,
        treatMissingData: TreatMissingData? = nil,
        evaluateLowSampleCountPercentile: String? = nil
    ) {
        self.alarmName = alarmName
        self.alarmDescription = alarmDescription
        self.actionsEnabled = actionsEnabled
        self.okActions = okActions
        self.alarmActions = alarmActions
        self.insufficientDataActions = insufficientDataActions
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.statistic = statistic
        self.extendedStatistic = extendedStatistic
        self.period = period
        self.unit = unit
        self.metrics = metrics
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm
        self.threshold = threshold
        self.comparisonOperator = comparisonOperator
        self.treatMissingData = treatMissingData
        self.evaluateLowSampleCountPercentile = evaluateLowSampleCountPercentile
    }
}

/// How an alarm compares the metric with its threshold.
public struct ComparisonOperator: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let greaterThanOrEqualToThreshold = ComparisonOperator(rawValue: "GreaterThanOrEqualToThreshold")
    public static let greaterThanThreshold = ComparisonOperator(rawValue: "GreaterThanThreshold")
    public static let lessThanThreshold = ComparisonOperator(rawValue: "LessThanThreshold")
    public static let lessThanOrEqualToThreshold = ComparisonOperator(rawValue: "LessThanOrEqualToThreshold")
}

/// What missing data points count as: `missing` (the default), `notBreaching`, `breaching`, `ignore`.
public struct TreatMissingData: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let missing = TreatMissingData(rawValue: "missing")
    public static let notBreaching = TreatMissingData(rawValue: "notBreaching")
    public static let breaching = TreatMissingData(rawValue: "breaching")
    public static let ignore = TreatMissingData(rawValue: "ignore")
}

/// The state of an alarm, as DescribeAlarms reports it.
public struct AlarmState: Sendable, Hashable {
    public var alarmName: String
    public var alarmArn: String?
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    public var stateValue: String
    public var stateReason: String?
}
