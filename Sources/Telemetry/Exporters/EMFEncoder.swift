/// Writes Embedded Metric Format documents for catalogue metrics
/// ([specification](https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)).
///
/// Counters give their interval sum, gauges their last level, timers and histograms every value
/// (repeated by count) in arrays of at most 100, one document per array.
struct EMFEncoder: Sendable {
    static let maxValuesPerArray = 100

    var namespace: String
    var storageResolution: Int
    var filter: CatalogueFilter

    func documents(for aggregate: MetricAggregate) -> [String] {
        filter.exportable([aggregate]).flatMap(documents(for:))
    }

    func documents(for metric: ExportableMetric) -> [String] {
        let aggregate = metric.aggregate
        switch aggregate.kind {
        case .counter:
            return [document(metric, values: [aggregate.sum])]
        case .gauge:
            return [document(metric, values: [aggregate.last ?? aggregate.maximum])]
        case .timer, .histogram:
            var values: [Double] = []
            for (value, count) in aggregate.distribution.sorted(by: { $0.key < $1.key }) {
                values.append(contentsOf: repeatElement(MetricDatumBuilder.scaled(value, by: metric.unitScale), count: count))
            }
            return stride(from: 0, to: values.count, by: Self.maxValuesPerArray).map { start in
                document(metric, values: Array(values[start..<min(start + Self.maxValuesPerArray, values.count)]))
            }
        }
    }

    private func document(_ metric: ExportableMetric, values: [Double]) -> String {
        var writer = JSONWriter(capacity: 384 + values.count * 12)
        writer.beginObject()
        writer.key("_aws")
        writer.beginObject()
        writer.key("Timestamp")
        writer.value(Int64(metric.aggregate.intervalStartNanoseconds / 1_000_000))
        writer.key("CloudWatchMetrics")
        writer.beginArray()
        writer.beginObject()
        writer.member("Namespace", namespace)
        writer.key("Dimensions")
        writer.beginArray()
        writer.beginArray()
        for dimension in metric.dimensions { writer.value(dimension.key) }
        writer.endArray()
        writer.endArray()
        writer.key("Metrics")
        writer.beginArray()
        writer.beginObject()
        writer.member("Name", metric.definition.name)
        writer.member("Unit", metric.definition.unit.rawValue)
        writer.key("StorageResolution")
        writer.value(storageResolution)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.member("type", "metric")
        for dimension in metric.dimensions { writer.member(dimension.key, dimension.value) }
        writer.key(metric.definition.name)
        if values.count == 1 {
            writer.value(values[0])
        } else {
            writer.beginArray()
            for value in values { writer.value(value) }
            writer.endArray()
        }
        writer.endObject()
        return writer.string
    }
}
