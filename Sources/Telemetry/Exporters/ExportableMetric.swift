/// A catalogue metric of one interval, with exactly the dimensions CloudWatch may see.
struct ExportableMetric: Sendable, Equatable {
    var definition: MetricDefinition
    /// The definition's dimensions in order, `EndpointName` first.
    var dimensions: [MetricDimensionValue]
    var aggregate: MetricAggregate

    /// How many of the definition's unit one recorded value is: timers record seconds.
    var unitScale: Double {
        guard aggregate.kind == .timer else { return 1 }
        switch definition.unit {
        case .milliseconds: return 1_000
        case .microseconds: return 1_000_000
        default: return 1
        }
    }
}

/// Keeps only catalogue metrics and only allow-listed dimensions: labels outside
/// ``MetricCatalogue`` (e.g. from libraries) and dimension keys outside the metric's definition
/// never reach CloudWatch. Aggregates that become identical after filtering are merged.
struct CatalogueFilter: Sendable {
    /// The `EndpointName` every exported metric carries.
    var endpointName: String

    static let missingDimensionValue = "unknown"

    func exportable(_ aggregates: [MetricAggregate]) -> [ExportableMetric] {
        var merged: [ExportableMetric] = []
        var index: [String: Int] = [:]
        for aggregate in aggregates {
            guard let definition = MetricCatalogue.definition(named: aggregate.name) else { continue }
            let dimensions = definition.allDimensions.map { dimension -> MetricDimensionValue in
                if dimension == .endpointName { return MetricDimensionValue(dimension.rawValue, endpointName) }
                let value = aggregate.dimension(dimension.rawValue).map { String($0.prefix(255)) }
                return MetricDimensionValue(dimension.rawValue, value.flatMap { $0.isEmpty ? nil : $0 } ?? Self.missingDimensionValue)
            }
            var filtered = aggregate
            filtered.dimensions = dimensions
            let key = "\(aggregate.name)|\(aggregate.kind.rawValue)|\(aggregate.intervalStartNanoseconds)|" + dimensions.map { "\($0.key)=\($0.value)" }.joined(separator: "|")
            if let existing = index[key] {
                merged[existing].aggregate.merge(filtered)
            } else {
                index[key] = merged.count
                merged.append(ExportableMetric(definition: definition, dimensions: dimensions, aggregate: filtered))
            }
        }
        return merged
    }
}

extension MetricAggregate {
    /// Adds another interval aggregate of the same metric (after dimension filtering).
    mutating func merge(_ other: MetricAggregate) {
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        last = other.last ?? last
        intervalStartNanoseconds = Swift.min(intervalStartNanoseconds, other.intervalStartNanoseconds)
        intervalEndNanoseconds = Swift.max(intervalEndNanoseconds, other.intervalEndNanoseconds)
        distribution.merge(other.distribution, uniquingKeysWith: +)
    }
}
