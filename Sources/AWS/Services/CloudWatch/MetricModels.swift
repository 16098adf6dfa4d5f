/// A name/value pair that, with the namespace and name, identifies a metric.
public struct MetricDimension: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A CloudWatch unit (`Seconds`, `Count`, ...); open for units not listed here.
public struct MetricUnit: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let seconds = MetricUnit(rawValue: "Seconds")
    public static let milliseconds = MetricUnit(rawValue: "Milliseconds")
    public static let microseconds = MetricUnit(rawValue: "Microseconds")
    public static let count = MetricUnit(rawValue: "Count")
    public static let countPerSecond = MetricUnit(rawValue: "Count/Second")
    public static let percent = MetricUnit(rawValue: "Percent")
    public static let bytes = MetricUnit(rawValue: "Bytes")
    public static let none = MetricUnit(rawValue: "None")
}

/// A standard statistic (`Sum`, `Average`, ...). Percentiles like `p99` are extended statistics.
public struct Statistic: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let sampleCount = Statistic(rawValue: "SampleCount")
    public static let average = Statistic(rawValue: "Average")
    public static let sum = Statistic(rawValue: "Sum")
    public static let minimum = Statistic(rawValue: "Minimum")
    public static let maximum = Statistic(rawValue: "Maximum")
}

/// A metric: namespace, name and dimensions.
public struct Metric: Sendable, Hashable {
    public var namespace: String
    public var metricName: String
    public var dimensions: [MetricDimension]

    public init(namespace: String, metricName: String, dimensions: [MetricDimension] = []) {
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
    }
}

/// A metric with the statistic and period to read it at; `stat` is a standard statistic or a
/// percentile such as `p99`.
public struct MetricStat: Sendable, Hashable {
    public var metric: Metric
    public var period: Int
    public var stat: String
    public var unit: MetricUnit?

    public init(metric: Metric, period: Int, stat: String, unit: MetricUnit? = nil) {
        self.metric = metric
        self.period = period
        self.stat = stat
        self.unit = unit
    }
}

/// One query of GetMetricData, or one entry of a metric-math alarm's `Metrics`: either a
/// ``MetricStat`` or a math `expression` over other queries' ids.
public struct MetricDataQuery: Sendable, Hashable {
    public var id: String
    public var metricStat: MetricStat?
    public var expression: String?
    public var label: String?
    /// Whether this query's values are returned (alarms: exactly one query returns data).
    public var returnData: Bool?
    /// The period of an expression query.
    public var period: Int?

    public init(
        id: String, metricStat: MetricStat? = nil, expression: String? = nil, label: String? = nil,
        returnData: Bool? = nil, period: Int? = nil
    ) {
        self.id = id
        self.metricStat = metricStat
        self.expression = expression
        self.label = label
        self.returnData = returnData
        self.period = period
    }

    /// A query reading `metricStat`.
    public static func stat(_ id: String, _ metricStat: MetricStat, label: String? = nil, returnData: Bool? = nil) -> MetricDataQuery {
        MetricDataQuery(id: id, metricStat: metricStat, label: label, returnData: returnData)
    }

    /// A metric-math query.
    public static func expression(
        _ id: String, _ expression: String, label: String? = nil, returnData: Bool? = nil, period: Int? = nil
    ) -> MetricDataQuery {
        MetricDataQuery(id: id, expression: expression, label: label, returnData: returnData, period: period)
    }
}
