/// One metric the worker emits: its CloudWatch name, unit, dimensions and meaning.
///
/// Every exporter, alarm, dashboard widget and report refers to these values, never to
/// string literals of its own, so a rename happens in one place.
public struct MetricDefinition: Sendable, Hashable, Identifiable {
    /// How the worker records the metric (which swift-metrics instrument).
    public enum Kind: String, Sendable, Hashable {
        /// A monotonically increasing count (`Counter`); exported as a sum per interval.
        case counter
        /// A distribution of durations (`Timer`); exported in seconds with exact percentiles.
        case timer
        /// A sampled level (`Gauge`), e.g. queue depth; exported as a statistic set.
        case gauge
        /// A distribution of plain values (an aggregating `Recorder`), e.g. a score or a cost;
        /// exported like a timer, as values with counts (exact percentiles), without unit scaling.
        case distribution
    }

    /// Metric name in CloudWatch, PascalCase (e.g. `JobLatency`).
    public let name: String
    public let kind: Kind
    public let unit: MetricUnit
    /// Dimensions beyond `EndpointName`, which every metric carries.
    public let dimensions: [MetricDimension]
    /// One sentence for docs and dashboards.
    public let summary: String

    public var id: String { name }

    /// Every dimension key of the metric, in the order they are exported.
    public var allDimensions: [MetricDimension] { [.endpointName] + dimensions }

    public init(name: String, kind: Kind, unit: MetricUnit, dimensions: [MetricDimension] = [], summary: String) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.dimensions = dimensions
        self.summary = summary
    }
}

/// A CloudWatch unit, spelled as the PutMetricData API expects.
public enum MetricUnit: String, Sendable, Hashable, CaseIterable {
    case seconds = "Seconds"
    case milliseconds = "Milliseconds"
    case microseconds = "Microseconds"
    case count = "Count"
    case percent = "Percent"
    case bytes = "Bytes"
    case none = "None"
}

/// The small allow-list of dimension keys. Job ids, URLs and trace ids are never dimensions.
public enum MetricDimension: String, Sendable, Hashable, CaseIterable {
    case endpointName = "EndpointName"
    case stage = "Stage"
    case provider = "Provider"
}
