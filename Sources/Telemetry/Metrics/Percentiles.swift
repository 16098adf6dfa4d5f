/// Exact percentiles by nearest rank: the smallest value with at least `p × n` values at or below it.
///
/// Reports and exports use this one definition so a percentile computed from the ring buffer
/// equals one computed by hand from the same values.
public enum Percentiles {
    /// The `p`-quantile (0...1) of `values`, nil when empty.
    public static func nearestRank(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[rankIndex(p, count: sorted.count)]
    }

    /// The `p`-quantile (0...1) of values given with their counts, nil when empty.
    public static func nearestRank(_ p: Double, of distribution: [Double: Int]) -> Double? {
        let total = distribution.values.reduce(0, +)
        guard total > 0 else { return nil }
        let target = rankIndex(p, count: total) + 1
        var seen = 0
        for value in distribution.keys.sorted() {
            seen += distribution[value]!
            if seen >= target { return value }
        }
        return distribution.keys.max()
    }

    /// Zero-based index of the nearest-rank `p`-quantile among `count` sorted values.
    static func rankIndex(_ p: Double, count: Int) -> Int {
        let clamped = min(max(p, 0), 1)
        // The epsilon keeps products such as 0.29 × 100 = 29.000000000000004 at rank 29.
        let rank = Int((clamped * Double(count) - 1e-9).rounded(.up))
        return min(max(rank, 1), count) - 1
    }
}
