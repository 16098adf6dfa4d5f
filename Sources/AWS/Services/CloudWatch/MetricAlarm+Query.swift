extension MetricAlarm {
    /// The PutMetricAlarm parameters.
    var queryParameters: QueryParameters {
        var parameters = QueryParameters()
        parameters.add("AlarmName", alarmName)
        parameters.add("AlarmDescription", alarmDescription)
        parameters.add("ActionsEnabled", actionsEnabled)
        parameters.addList("OKActions", okActions)
        parameters.addList("AlarmActions", alarmActions)
        parameters.addList("InsufficientDataActions", insufficientDataActions)
        parameters.add("Namespace", namespace)
        parameters.add("MetricName", metricName)
        parameters.addDimensions("Dimensions", dimensions)
        parameters.add("Statistic", statistic?.rawValue)
        parameters.add("ExtendedStatistic", extendedStatistic)
        parameters.add("Period", period)
        parameters.add("Unit", unit?.rawValue)
        parameters.addMetricDataQueries("Metrics", metrics)
        parameters.add("EvaluationPeriods", evaluationPeriods)
        parameters.add("DatapointsToAlarm", datapointsToAlarm)
        parameters.add("Threshold", threshold)
        parameters.add("ComparisonOperator", comparisonOperator.rawValue)
        parameters.add("TreatMissingData", treatMissingData?.rawValue)
        parameters.add("EvaluateLowSampleCountPercentile", evaluateLowSampleCountPercentile)
        return parameters
    }

    /// Why CloudWatch would refuse this alarm, or `nil`.
    var problem: String? {
        let single = metricName != nil || namespace != nil
        if single == !metrics.isEmpty {
            return "set either namespace and metricName, or metrics (metric math), not both or neither"
        }
        if single, (statistic == nil) == (extendedStatistic == nil) {
            return "set exactly one of statistic and extendedStatistic"
        }
        if !metrics.isEmpty, metrics.filter({ $0.returnData ?? true }).count != 1 {
            return "exactly one query in metrics must return data"
        }
        if let threshold, !threshold.isFinite { return "the threshold is not a finite number" }
        return nil
    }

    /// Reads a `<member>` of DescribeAlarms' `MetricAlarms`.
    init?(xml member: AWSXMLElement) {
        guard let name = member.string("AlarmName"), let comparison = member.string("ComparisonOperator") else { return nil }
        self.init(
            alarmName: name,
            alarmDescription: member.string("AlarmDescription"),
            actionsEnabled: member.bool("ActionsEnabled") ?? true,
            okActions: member.members("OKActions").map(\.trimmedText),
            alarmActions: member.members("AlarmActions").map(\.trimmedText),
            insufficientDataActions: member.members("InsufficientDataActions").map(\.trimmedText),
            namespace: member.string("Namespace"),
            metricName: member.string("MetricName"),
            dimensions: member.dimensions(),
            statistic: member.string("Statistic").map(Statistic.init(rawValue:)),
            extendedStatistic: member.string("ExtendedStatistic"),
            period: member.int("Period"),
            unit: member.string("Unit").map(MetricUnit.init(rawValue:)),
            metrics: member.members("Metrics").compactMap { $0.metricDataQuery() },
            evaluationPeriods: member.int("EvaluationPeriods") ?? 1,
            datapointsToAlarm: member.int("DatapointsToAlarm"),
            threshold: member.double("Threshold"),
            comparisonOperator: ComparisonOperator(rawValue: comparison),
            treatMissingData: member.string("TreatMissingData").map(TreatMissingData.init(rawValue:)),
            evaluateLowSampleCountPercentile: member.string("EvaluateLowSampleCountPercentile")
        )
    }
}

extension AlarmState {
    init?(xml member: AWSXMLElement) {
        guard let name = member.string("AlarmName"), let state = member.string("StateValue") else { return nil }
        self.init(alarmName: name, alarmArn: member.string("AlarmArn"), stateValue: state, stateReason: member.string("StateReason"))
    }
}
