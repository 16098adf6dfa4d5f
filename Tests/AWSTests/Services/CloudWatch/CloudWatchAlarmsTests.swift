import AWS
import Foundation
import Testing
import TestSupport

@Suite("CloudWatchClient alarms and dashboards against moto")
struct CloudWatchAlarmsTests {
    private static func desiredAlarms(prefix: String, topic: String) -> [MetricAlarm] {
        let endpoint = [MetricDimension(name: "EndpointName", value: "prod")]
        return [
            MetricAlarm(
                alarmName: prefix + "job-latency-p99", alarmDescription: "p99 job latency over 120 s",
                okActions: [topic], alarmActions: [topic],
                namespace: "RAGWorker", metricName: "JobLatency", dimensions: endpoint,
                extendedStatistic: "p99", period: 60, unit: .seconds,
                evaluationPeriods: 5, datapointsToAlarm: 3, threshold: 120, comparisonOperator: .greaterThanThreshold,
                treatMissingData: .notBreaching, evaluateLowSampleCountPercentile: "ignore"
            ),
            MetricAlarm(
                alarmName: prefix + "webhook-failures", alarmActions: [topic], insufficientDataActions: [topic],
                namespace: "RAGWorker", metricName: "WebhookFailures", dimensions: endpoint, statistic: .sum, period: 300,
                evaluationPeriods: 1, threshold: 1, comparisonOperator: .greaterThanOrEqualToThreshold,
                treatMissingData: .notBreaching
            ),
            MetricAlarm(
                alarmName: prefix + "error-rate", alarmDescription: "failed / accepted over 5 %", alarmActions: [topic],
                metrics: [
                    .expression("rate", "failed / accepted", label: "error rate", returnData: true),
                    .stat("failed", MetricStat(metric: Metric(namespace: "RAGWorker", metricName: "JobsFailed", dimensions: endpoint), period: 300, stat: "Sum"), returnData: false),
                    .stat("accepted", MetricStat(metric: Metric(namespace: "RAGWorker", metricName: "JobsAccepted", dimensions: endpoint), period: 300, stat: "Sum", unit: .count), returnData: false),
                ],
                evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 0.05, comparisonOperator: .greaterThanThreshold,
                treatMissingData: .ignore
            ),
        ]
    }

    @Test("put alarms of every form, read them back equal to the definitions, update, delete")
    func alarmRoundTrip() async throws {
        let moto = try await MotoServer.shared()
        let cloudWatch = CloudWatchClient(client: moto.client())
        let prefix = "rag-\(UUID().uuidString.prefix(8))-"
        let topic = try await SNSClient(client: moto.client()).createTopic(name: prefix + "alarms")
        let desired = Self.desiredAlarms(prefix: prefix, topic: topic)
        for alarm in desired {
            try await cloudWatch.putMetricAlarm(alarm)
        }
        let actual = try await cloudWatch.describeAlarms(prefix: prefix)
        #expect(actual.sorted { $0.alarmName < $1.alarmName } == desired.sorted { $0.alarmName < $1.alarmName })

        var changed = desired[1]
        changed.threshold = 5
        try await cloudWatch.putMetricAlarm(changed)
        #expect(try await cloudWatch.describeAlarms(names: [changed.alarmName]) == [changed])
        let states = try await cloudWatch.describeAlarmStates(names: [changed.alarmName])
        #expect(states.map(\.alarmName) == [changed.alarmName])
        #expect(["OK", "ALARM", "INSUFFICIENT_DATA"].contains(states.first?.stateValue ?? ""))

        try await cloudWatch.deleteAlarms(names: desired.map(\.alarmName))
        #expect(try await cloudWatch.describeAlarms(prefix: prefix).isEmpty)
    }

    @Test("an alarm mixing single-metric and math fields is refused before sending")
    func invalidAlarm() async throws {
        let cloudWatch = CloudWatchClient(client: try await MotoServer.shared().client())
        var alarm = Self.desiredAlarms(prefix: "x-", topic: "arn:aws:sns:us-east-1:1:t")[0]
        alarm.statistic = .average
        let error = await #expect(throws: AWSError.self) { try await cloudWatch.putMetricAlarm(alarm) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("statistic") == true)
    }

    @Test("PutCompositeAlarm (added to moto by scripts/testing/moto_extensions.py) stores the rule, read back by DescribeAlarms")
    func compositeAlarm() async throws {
        let client = try await MotoServer.shared().client(retryPolicy: .noRetries)
        let cloudWatch = CloudWatchClient(client: client)
        let name = "composite-\(UUID().uuidString.prefix(8))"
        try await cloudWatch.putCompositeAlarm(CompositeAlarm(alarmName: name, alarmRule: #"ALARM("a") OR ALARM("b")"#))
        var parameters = QueryParameters()
        parameters.add("AlarmNames.member.1", name)
        parameters.add("AlarmTypes.member.1", "CompositeAlarm")
        let answer = try await client.query(service: .cloudWatch, action: "DescribeAlarms", parameters: parameters)
        #expect(answer.members("CompositeAlarms").compactMap { $0.string("AlarmRule") } == [#"ALARM("a") OR ALARM("b")"#])
    }

    @Test("dashboards: put, get the same body, list by prefix, missing is nil, delete")
    func dashboards() async throws {
        let cloudWatch = CloudWatchClient(client: try await MotoServer.shared().client())
        let name = "rag-worker-\(UUID().uuidString.prefix(8))"
        let body = #"{"widgets":[{"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"metrics":[["RAGWorker","JobLatency","EndpointName","prod",{"stat":"p99"}]],"period":60,"region":"us-east-1","title":"Job latency & p99 <120 s>"}}]}"#
        #expect(try await cloudWatch.putDashboard(name: name, body: body).isEmpty)
        #expect(try await cloudWatch.getDashboard(name: name) == body)
        #expect(try await cloudWatch.listDashboards(prefix: name).map(\.name) == [name])
        #expect(try await cloudWatch.getDashboard(name: name + "-absent") == nil)
        let invalid = await #expect(throws: AWSError.self) { try await cloudWatch.putDashboard(name: name, body: "{not json") }
        #expect(invalid?.kind == .service)
        #expect(invalid?.code != nil)
        try await cloudWatch.deleteDashboards(names: [name])
        #expect(try await cloudWatch.getDashboard(name: name) == nil)
    }
}
