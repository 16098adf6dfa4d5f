/// One widget of a CloudWatch dashboard body.
/// See <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html>.
struct DashboardWidget: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case metric, text, log, alarm
    }

    var kind: Kind
    /// Grid columns, 1–24.
    var width: Int
    /// Grid rows, 1–1000.
    var height: Int
    var x = 0
    var y = 0
    var properties: [String: JSONValue]

    var json: JSONValue {
        .object([
            "type": .string(kind.rawValue),
            "x": .number(Double(x)), "y": .number(Double(y)),
            "width": .number(Double(width)), "height": .number(Double(height)),
            "properties": .object(properties),
        ])
    }
}

/// One row of a metric widget's `metrics` array.
enum MetricRow: Sendable, Hashable {
    /// `[Namespace, MetricName, DimName, DimValue, …, {options}]`.
    case metric(MetricReference, options: [String: JSONValue])
    /// `[{expression, id, label}]`: metric math or a SEARCH over the worker's metrics.
    case expression(String, id: String, label: String)

    var json: JSONValue {
        switch self {
        case .metric(let metric, let options):
            var row: [JSONValue] = [.string(metric.namespace), .string(metric.metricName)]
            for dimension in metric.dimensions {
                row += [.string(dimension.name), .string(dimension.value)]
            }
            if !options.isEmpty { row.append(.object(options)) }
            return .array(row)
        case .expression(let expression, let id, let label):
            return .array([.object(["expression": .string(expression), "id": .string(id), "label": .string(label)])])
        }
    }

    /// A metric with a statistic and a legend label.
    static func metric(_ metric: MetricReference, stat: AlarmStatistic, label: String) -> MetricRow {
        .metric(metric, options: ["stat": .string(stat.name), "label": .string(label)])
    }

    /// A metric an expression uses by `id`, hidden from the graph.
    static func hidden(_ metric: MetricReference, stat: AlarmStatistic, id: String) -> MetricRow {
        .metric(metric, options: ["stat": .string(stat.name), "id": .string(id), "visible": .bool(false)])
    }
}
