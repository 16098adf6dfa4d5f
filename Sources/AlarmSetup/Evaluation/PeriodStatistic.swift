/// Computes one period's statistic from its samples, the way CloudWatch aggregates a period.
///
/// Percentiles use the nearest-rank method over every value (expanded by its count), which is what
/// CloudWatch returns when the values were published unaggregated (≤ 150 distinct values per datum),
/// as the worker's exporter does. A period without samples has no value (`nil`).
enum PeriodStatistic {
    static func value(_ statistic: AlarmStatistic, of samples: [MetricData.Sample]) -> Double? {
        guard !samples.isEmpty else { return nil }
        let count = samples.reduce(0) { $0 + $1.count }
        let sum = samples.reduce(0.0) { $0 + $1.value * Double($1.count) }
        switch statistic {
        case .sampleCount: return Double(count)
        case .sum: return sum
        case .average: return count == 0 ? nil : sum / Double(count)
        case .minimum: return samples.map(\.value).min()
        case .maximum: return samples.map(\.value).max()
        case .percentile(let p):
            let sorted = samples.sorted { $0.value < $1.value }
            let rank = max(1, Int((p / 100 * Double(count)).rounded(.up)))
            var seen = 0
            for sample in sorted {
                seen += sample.count
                if seen >= rank { return sample.value }
            }
            return sorted.last?.value
        }
    }
}
