import Foundation

/// One entry of PutMetricData: a metric, when, and one of three value forms.
///
/// Limits CloudWatch enforces: ≤ 30 dimensions; ≤ 150 distinct values in a distribution;
/// no NaN or infinity; timestamps at most two weeks old; `storageResolution` 1 (high
/// resolution) or 60.
public struct MetricDatum: Sendable, Equatable {
    /// The value forms PutMetricData accepts.
    public enum Value: Sendable, Equatable {
        /// One observation (`Value`).
        case single(Double)
        /// Distinct values with how often each occurred (`Values` + `Counts`): keeps percentiles exact.
        case distribution(values: [Double], counts: [Double])
        /// A pre-aggregated set (`StatisticValues`); percentiles cannot be derived from it.
        case statistics(StatisticSet)
    }

    public var metricName: String
    public var dimensions: [MetricDimension]
    public var value: Value
    public var unit: MetricUnit?
    /// `nil` lets CloudWatch use the time it receives the datum.
    public var timestamp: Date?
    /// 1 for high resolution, 60 (or `nil`) for standard.
    public var storageResolution: Int?

    public init(
        metricName: String, dimensions: [MetricDimension] = [], value: Value, unit: MetricUnit? = nil,
        timestamp: Date? = nil, storageResolution: Int? = nil
    ) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.storageResolution = storageResolution
    }

    /// Why CloudWatch would refuse this datum, or `nil` when it is acceptable.
    public var problem: String? {
        if dimensions.count > 30 { return "\(metricName): more than 30 dimensions" }
        switch value {
        case .single(let value):
            if !value.isFinite { return "\(metricName): the value is not a finite number" }
        case .distribution(let values, let counts):
            if values.count != counts.count { return "\(metricName): \(values.count) values but \(counts.count) counts" }
            if values.isEmpty { return "\(metricName): an empty distribution" }
            if values.count > 150 { return "\(metricName): more than 150 distinct values" }
            if !(values + counts).allSatisfy(\.isFinite) { return "\(metricName): a value or count is not a finite number" }
        case .statistics(let set):
            if ![set.sampleCount, set.sum, set.minimum, set.maximum].allSatisfy(\.isFinite) {
                return "\(metricName): a statistic is not a finite number"
            }
        }
        if let resolution = storageResolution, resolution != 1, resolution != 60 {
            return "\(metricName): storage resolution must be 1 or 60"
        }
        return nil
    }

    func encode(into parameters: inout QueryParameters, prefix: String) {
        parameters.add(prefix + ".MetricName", metricName)
        parameters.addDimensions(prefix + ".Dimensions", dimensions)
        parameters.add(prefix + ".Timestamp", timestamp)
        switch value {
        case .single(let value):
            parameters.add(prefix + ".Value", value)
        case .distribution(let values, let counts):
            for (index, (value, count)) in zip(values, counts).enumerated() {
                parameters.add("\(prefix).Values.member.\(index + 1)", value)
                parameters.add("\(prefix).Counts.member.\(index + 1)", count)
            }
        case .statistics(let set):
            parameters.add(prefix + ".StatisticValues.SampleCount", set.sampleCount)
            parameters.add(prefix + ".StatisticValues.Sum", set.sum)
            parameters.add(prefix + ".StatisticValues.Minimum", set.minimum)
            parameters.add(prefix + ".StatisticValues.Maximum", set.maximum)
        }
        parameters.add(prefix + ".Unit", unit?.rawValue)
        parameters.add(prefix + ".StorageResolution", storageResolution)
    }
}

/// Pre-aggregated observations: how many, their sum, smallest and largest.
public struct StatisticSet: Sendable, Equatable {
    public var sampleCount: Double
    public var sum: Double
    public var minimum: Double
    public var maximum: Double

    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
    }
}
