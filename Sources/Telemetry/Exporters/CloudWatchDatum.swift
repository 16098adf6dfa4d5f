import Foundation

/// One PutMetricData datum
/// ([CloudWatchDatum](https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html)).
public struct CloudWatchDatum: Sendable, Equatable {
    /// The datum's data: a single value, values with counts, or a statistic set.
    public enum Value: Sendable, Equatable {
        case single(Double)
        /// Up to 150 distinct values with how often each occurred; CloudWatch computes exact percentiles.
        case distribution(values: [Double], counts: [Double])
        /// Percentiles are lost; used for gauges.
        case statistics(sampleCount: Double, sum: Double, minimum: Double, maximum: Double)
    }

    public var metricName: String
    public var dimensions: [MetricDimensionValue]
    public var timestamp: Date
    public var unit: MetricUnit
    /// 1 (high resolution) or 60.
    public var storageResolution: Int
    public var value: Value

    public init(metricName: String, dimensions: [MetricDimensionValue], timestamp: Date, unit: MetricUnit,
                storageResolution: Int, value: Value) {
        self.metricName = metricName
        self.dimensions = dimensions
        self.timestamp = timestamp
        self.unit = unit
        self.storageResolution = storageResolution
        self.value = value
    }

    /// Samples this datum stands for (counts summed), for tests and drop accounting.
    public var sampleCount: Double {
        switch value {
        case .single: 1
        case .distribution(_, let counts): counts.reduce(0, +)
        case .statistics(let sampleCount, _, _, _): sampleCount
        }
    }
}

/// Builds datums from exportable metrics: counters as one summed value, timers and histograms as
/// values with counts in chunks of at most 150 distinct values, gauges as statistic sets.
struct MetricDatumBuilder: Sendable {
    static let maxValuesPerDatum = 150

    var storageResolution: Int

    func datums(for metric: ExportableMetric) -> [CloudWatchDatum] {
        let aggregate = metric.aggregate
        let timestamp = Date(timeIntervalSince1970: Double(aggregate.intervalStartNanoseconds) / 1e9)
        func datum(_ value: CloudWatchDatum.Value) -> CloudWatchDatum {
            CloudWatchDatum(metricName: metric.definition.name, dimensions: metric.dimensions, timestamp: timestamp,
                        unit: metric.definition.unit, storageResolution: storageResolution, value: value)
        }
        switch aggregate.kind {
        case .counter:
            return [datum(.single(aggregate.sum))]
        case .gauge:
            return [datum(.statistics(sampleCount: Double(aggregate.count), sum: aggregate.sum,
                                      minimum: aggregate.minimum, maximum: aggregate.maximum))]
        case .timer, .histogram:
            let scale = metric.unitScale
            let sorted = aggregate.distribution.sorted { $0.key < $1.key }
            return stride(from: 0, to: sorted.count, by: Self.maxValuesPerDatum).map { start in
                let chunk = sorted[start..<min(start + Self.maxValuesPerDatum, sorted.count)]
                return datum(.distribution(values: chunk.map { Self.scaled($0.key, by: scale) },
                                           counts: chunk.map { Double($0.value) }))
            }
        }
    }

    /// `value × scale` without binary noise such as 0.1 × 1000 = 100.00000000000001.
    static func scaled(_ value: Double, by scale: Double) -> Double {
        scale == 1 ? value : (value * scale * 1e6).rounded() / 1e6
    }
}
