import Telemetry

/// The JSON shape of PutMetricAlarm: single-metric fields flat at the top, statistics split into
/// `Statistic` and `ExtendedStatistic`, math alarms under `Metrics`.
extension MetricAlarmDefinition: Codable {
    enum CodingKeys: String, CodingKey {
        case alarmName = "AlarmName"
        case alarmDescription = "AlarmDescription"
        case actionsEnabled = "ActionsEnabled"
        case alarmActions = "AlarmActions"
        case okActions = "OKActions"
        case insufficientDataActions = "InsufficientDataActions"
        case namespace = "Namespace"
        case metricName = "MetricName"
        case dimensions = "Dimensions"
        case unit = "Unit"
        case statistic = "Statistic"
        case extendedStatistic = "ExtendedStatistic"
        case period = "Period"
        case metrics = "Metrics"
        case evaluationPeriods = "EvaluationPeriods"
        case datapointsToAlarm = "DatapointsToAlarm"
        case threshold = "Threshold"
        case comparisonOperator = "ComparisonOperator"
        case treatMissingData = "TreatMissingData"
        case evaluateLowSampleCountPercentile = "EvaluateLowSampleCountPercentile"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alarmName, forKey: .alarmName)
        try c.encode(alarmDescription, forKey: .alarmDescription)
        try c.encode(actionsEnabled, forKey: .actionsEnabled)
        try c.encode(alarmActions, forKey: .alarmActions)
        try c.encode(okActions, forKey: .okActions)
        try c.encode(insufficientDataActions, forKey: .insufficientDataActions)
        if let metric {
            try c.encode(metric.namespace, forKey: .namespace)
            try c.encode(metric.metricName, forKey: .metricName)
            try c.encode(metric.dimensions, forKey: .dimensions)
            try c.encodeIfPresent(metric.unit?.rawValue, forKey: .unit)
        }
        if let statistic {
            try c.encode(statistic.name, forKey: statistic.isPercentile ? .extendedStatistic : .statistic)
        }
        try c.encodeIfPresent(period, forKey: .period)
        try c.encodeIfPresent(metrics, forKey: .metrics)
        try c.encode(evaluationPeriods, forKey: .evaluationPeriods)
        try c.encode(datapointsToAlarm, forKey: .datapointsToAlarm)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(comparisonOperator, forKey: .comparisonOperator)
        try c.encode(treatMissingData, forKey: .treatMissingData)
        try c.encodeIfPresent(evaluateLowSampleCountPercentile, forKey: .evaluateLowSampleCountPercentile)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alarmName = try c.decode(String.self, forKey: .alarmName)
        alarmDescription = try c.decodeIfPresent(String.self, forKey: .alarmDescription) ?? ""
        actionsEnabled = try c.decodeIfPresent(Bool.self, forKey: .actionsEnabled) ?? true
        alarmActions = try c.decodeIfPresent([String].self, forKey: .alarmActions) ?? []
        okActions = try c.decodeIfPresent([String].self, forKey: .okActions) ?? []
        insufficientDataActions = try c.decodeIfPresent([String].self, forKey: .insufficientDataActions) ?? []
        if let name = try c.decodeIfPresent(String.self, forKey: .metricName) {
            metric = MetricReference(
                namespace: try c.decode(String.self, forKey: .namespace), metricName: name,
                dimensions: try c.decodeIfPresent([AlarmDimension].self, forKey: .dimensions) ?? [],
                unit: try c.decodeIfPresent(String.self, forKey: .unit).flatMap(MetricUnit.init(rawValue:)))
        }
        let statisticName = try c.decodeIfPresent(String.self, forKey: .statistic)
            ?? c.decodeIfPresent(String.self, forKey: .extendedStatistic)
        statistic = statisticName.flatMap(AlarmStatistic.init(name:))
        period = try c.decodeIfPresent(Int.self, forKey: .period)
        metrics = try c.decodeIfPresent([MetricQueryDefinition].self, forKey: .metrics)
        evaluationPeriods = try c.decode(Int.self, forKey: .evaluationPeriods)
        datapointsToAlarm = try c.decodeIfPresent(Int.self, forKey: .datapointsToAlarm) ?? evaluationPeriods
        threshold = try c.decode(Double.self, forKey: .threshold)
        comparisonOperator = try c.decode(AlarmComparison.self, forKey: .comparisonOperator)
        treatMissingData = try c.decodeIfPresent(MissingDataTreatment.self, forKey: .treatMissingData) ?? .missing
        evaluateLowSampleCountPercentile = try c.decodeIfPresent(
            String.self, forKey: .evaluateLowSampleCountPercentile)
    }
}

/// `{Id, MetricStat: {Metric: {Namespace, MetricName, Dimensions}, Period, Stat, Unit}, Expression, Label, ReturnData}`.
extension MetricQueryDefinition: Codable {
    enum CodingKeys: String, CodingKey {
        case id = "Id", metricStat = "MetricStat", expression = "Expression", label = "Label"
        case returnData = "ReturnData"
    }

    enum MetricStatKeys: String, CodingKey {
        case metric = "Metric", period = "Period", stat = "Stat", unit = "Unit"
    }

    enum MetricKeys: String, CodingKey {
        case namespace = "Namespace", metricName = "MetricName", dimensions = "Dimensions"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        if let metric {
            var stat = c.nestedContainer(keyedBy: MetricStatKeys.self, forKey: .metricStat)
            var m = stat.nestedContainer(keyedBy: MetricKeys.self, forKey: .metric)
            try m.encode(metric.namespace, forKey: .namespace)
            try m.encode(metric.metricName, forKey: .metricName)
            try m.encode(metric.dimensions, forKey: .dimensions)
            try stat.encodeIfPresent(period, forKey: .period)
            try stat.encodeIfPresent(self.stat?.name, forKey: .stat)
            try stat.encodeIfPresent(metric.unit?.rawValue, forKey: .unit)
        }
        try c.encodeIfPresent(expression, forKey: .expression)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encode(returnData, forKey: .returnData)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        expression = try c.decodeIfPresent(String.self, forKey: .expression)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        returnData = try c.decodeIfPresent(Bool.self, forKey: .returnData) ?? true
        if c.contains(.metricStat) {
            let stat = try c.nestedContainer(keyedBy: MetricStatKeys.self, forKey: .metricStat)
            let m = try stat.nestedContainer(keyedBy: MetricKeys.self, forKey: .metric)
            metric = MetricReference(
                namespace: try m.decode(String.self, forKey: .namespace),
                metricName: try m.decode(String.self, forKey: .metricName),
                dimensions: try m.decodeIfPresent([AlarmDimension].self, forKey: .dimensions) ?? [],
                unit: try stat.decodeIfPresent(String.self, forKey: .unit).flatMap(MetricUnit.init(rawValue:)))
            period = try stat.decodeIfPresent(Int.self, forKey: .period)
            self.stat = try stat.decodeIfPresent(String.self, forKey: .stat).flatMap(AlarmStatistic.init(name:))
        } else {
            metric = nil
            period = nil
            stat = nil
        }
    }
}
