/// Query-protocol encoding and XML decoding of the shared CloudWatch structures.
extension QueryParameters {
    mutating func addDimensions(_ prefix: String, _ dimensions: [MetricDimension]) {
        addMembers(prefix, dimensions) { parameters, member, dimension in
            parameters.add(member + ".Name", dimension.name)
            parameters.add(member + ".Value", dimension.value)
        }
    }

    mutating func addMetricStat(_ prefix: String, _ stat: MetricStat) {
        add(prefix + ".Metric.Namespace", stat.metric.namespace)
        add(prefix + ".Metric.MetricName", stat.metric.metricName)
        addDimensions(prefix + ".Metric.Dimensions", stat.metric.dimensions)
        add(prefix + ".Period", stat.period)
        add(prefix + ".Stat", stat.stat)
        add(prefix + ".Unit", stat.unit?.rawValue)
    }

    mutating func addMetricDataQueries(_ prefix: String, _ queries: [MetricDataQuery]) {
        addMembers(prefix, queries) { parameters, member, query in
            parameters.add(member + ".Id", query.id)
            if let stat = query.metricStat { parameters.addMetricStat(member + ".MetricStat", stat) }
            parameters.add(member + ".Expression", query.expression)
            parameters.add(member + ".Label", query.label)
            parameters.add(member + ".ReturnData", query.returnData)
            parameters.add(member + ".Period", query.period)
        }
    }
}

extension AWSXMLElement {
    func dimensions(_ name: String = "Dimensions") -> [MetricDimension] {
        members(name).compactMap { member in
            guard let name = member.string("Name"), let value = member.string("Value") else { return nil }
            return MetricDimension(name: name, value: value)
        }
    }

    func metricDataQuery() -> MetricDataQuery? {
        guard let id = string("Id") else { return nil }
        var stat: MetricStat?
        if let element = child("MetricStat"), let metric = element.child("Metric"),
           let namespace = metric.string("Namespace"), let name = metric.string("MetricName"),
           let period = element.int("Period"), let statName = element.string("Stat") {
            stat = MetricStat(
                metric: Metric(namespace: namespace, metricName: name, dimensions: metric.dimensions()),
                period: period, stat: statName, unit: element.string("Unit").map(MetricUnit.init(rawValue:))
            )
        }
        return MetricDataQuery(
            id: id, metricStat: stat, expression: string("Expression"), label: string("Label"),
            returnData: bool("ReturnData"), period: int("Period")
        )
    }
}
