import AWS
import Telemetry

/// Conversions between alarm-setup's definitions and the `AWS` module's request/response types.
extension MetricAlarmDefinition {
    /// The PutMetricAlarm input.
    var awsAlarm: MetricAlarm {
        MetricAlarm(
            alarmName: alarmName, alarmDescription: alarmDescription, actionsEnabled: actionsEnabled,
            okActions: okActions, alarmActions: alarmActions, insufficientDataActions: insufficientDataActions,
            namespace: metric?.namespace, metricName: metric?.metricName,
            dimensions: metric.map { Self.awsDimensions($0) } ?? [],
            statistic: statistic.flatMap { $0.isPercentile ? nil : Statistic(rawValue: $0.name) },
            extendedStatistic: statistic.flatMap { $0.isPercentile ? $0.name : nil },
            period: period, unit: metric?.unit.map { AWS.MetricUnit(rawValue: $0.rawValue) },
            metrics: (metrics ?? []).map(Self.awsQuery),
            evaluationPeriods: evaluationPeriods, datapointsToAlarm: datapointsToAlarm, threshold: threshold,
            comparisonOperator: ComparisonOperator(rawValue: comparisonOperator.rawValue),
            treatMissingData: TreatMissingData(rawValue: treatMissingData.rawValue),
            evaluateLowSampleCountPercentile: evaluateLowSampleCountPercentile)
    }

    /// An alarm as DescribeAlarms returned it, with the API's defaults made explicit
    /// (M = N when `DatapointsToAlarm` is absent, `missing` when `TreatMissingData` is).
    init(observed alarm: MetricAlarm) {
        self.init(
            alarmName: alarm.alarmName, alarmDescription: alarm.alarmDescription ?? "",
            actionsEnabled: alarm.actionsEnabled, alarmActions: alarm.alarmActions, okActions: alarm.okActions,
            insufficientDataActions: alarm.insufficientDataActions,
            metric: alarm.metricName.map { name in
                MetricReference(
                    namespace: alarm.namespace ?? "", metricName: name,
                    dimensions: alarm.dimensions.map { AlarmDimension(name: $0.name, value: $0.value) },
                    unit: alarm.unit.flatMap { Telemetry.MetricUnit(rawValue: $0.rawValue) })
            },
            statistic: (alarm.statistic?.rawValue ?? alarm.extendedStatistic).flatMap(AlarmStatistic.init(name:)),
            period: alarm.period,
            metrics: alarm.metrics.isEmpty ? nil : alarm.metrics.map(Self.query(observed:)),
            evaluationPeriods: alarm.evaluationPeriods,
            datapointsToAlarm: alarm.datapointsToAlarm ?? alarm.evaluationPeriods,
            threshold: alarm.threshold ?? 0,
            comparisonOperator: AlarmComparison(rawValue: alarm.comparisonOperator.rawValue) ?? .greaterThanThreshold,
            treatMissingData: alarm.treatMissingData.flatMap { MissingDataTreatment(rawValue: $0.rawValue) } ?? .missing,
            evaluateLowSampleCountPercentile: alarm.evaluateLowSampleCountPercentile)
    }

    private static func awsDimensions(_ metric: MetricReference) -> [AWS.MetricDimension] {
        metric.dimensions.map { AWS.MetricDimension(name: $0.name, value: $0.value) }
    }

    private static func awsQuery(_ query: MetricQueryDefinition) -> MetricDataQuery {
        let stat = query.metric.map { metric in
            MetricStat(
                metric: Metric(namespace: metric.namespace, metricName: metric.metricName, dimensions: awsDimensions(metric)),
                period: query.period ?? 60, stat: query.stat?.name ?? "Sum",
                unit: metric.unit.map { AWS.MetricUnit(rawValue: $0.rawValue) })
        }
        return MetricDataQuery(
            id: query.id, metricStat: stat, expression: query.expression, label: query.label, returnData: query.returnData)
    }

    private static func query(observed query: MetricDataQuery) -> MetricQueryDefinition {
        let metric = query.metricStat.map { stat in
            MetricReference(
                namespace: stat.metric.namespace, metricName: stat.metric.metricName,
                dimensions: stat.metric.dimensions.map { AlarmDimension(name: $0.name, value: $0.value) },
                unit: stat.unit.flatMap { Telemetry.MetricUnit(rawValue: $0.rawValue) })
        }
        return MetricQueryDefinition(
            id: query.id, metric: metric, stat: query.metricStat.flatMap { AlarmStatistic(name: $0.stat) },
            period: query.metricStat?.period, expression: query.expression, label: query.label,
            returnData: query.returnData ?? true)
    }
}

extension CompositeAlarmDefinition {
    /// The PutCompositeAlarm input.
    var awsAlarm: CompositeAlarm {
        CompositeAlarm(
            alarmName: alarmName, alarmRule: alarmRule, alarmDescription: alarmDescription,
            actionsEnabled: actionsEnabled, alarmActions: alarmActions, okActions: okActions,
            actionsSuppressor: actionsSuppressor, actionsSuppressorWaitPeriod: actionsSuppressorWaitPeriod,
            actionsSuppressorExtensionPeriod: actionsSuppressorExtensionPeriod)
    }
}
