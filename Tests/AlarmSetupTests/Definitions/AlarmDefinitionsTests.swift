import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

@Suite("Alarm definitions")
struct AlarmDefinitionsTests {
    @Test("default settings, every alarm named after the endpoint, notifying the topic, marked as owned")
    func namesAndActions() throws {
        let definitions = try Fixtures.definitions()
        let topic = "arn:aws:sns:eu-west-1:123456789012:rag-worker-test-alarms"
        #expect(definitions.metricAlarms.count == Fixtures.metricAlarmCount + Fixtures.sloMetricAlarmCount)
        for alarm in definitions.metricAlarms {
            #expect(alarm.alarmName.hasPrefix("rag-worker-test-"))
            #expect(alarm.alarmDescription.hasSuffix("[alarm-setup: rag-worker-test]"))
            #expect(alarm.alarmDescription.count <= 1024)
            guard let kind = AlarmKind.kind(ofAlarmNamed: alarm.alarmName, endpoint: "rag-worker-test") else {
                // An SLO's burn-rate input: read by its tier's composite, no actions of its own.
                #expect(alarm.alarmName.hasPrefix("rag-worker-test-slo-") && alarm.alarmActions.isEmpty)
                #expect(alarm.alarmDescription.contains("docs/runbook.md#slo-"))
                continue
            }
            let paging = !AlarmDefinitions.replacedBySLOs.contains(kind)
            #expect(alarm.alarmActions == (paging ? [topic] : []) && alarm.okActions == (paging ? [topic] : []))
            #expect(alarm.alarmDescription.contains("docs/runbook.md#\(kind.rawValue)"))
        }
        // The page alarm is on by default: it is what reaches a person.
        #expect(definitions.compositeAlarm?.alarmName == "rag-worker-test-page")
        let catalogue = definitions.metricAlarms.map(\.alarmName).filter {
            guard let kind = AlarmKind.kind(ofAlarmNamed: $0, endpoint: "rag-worker-test") else { return false }
            return !AlarmDefinitions.replacedBySLOs.contains(kind)
        }
        #expect(definitions.compositeAlarm?.inputAlarmNames == catalogue + ["rag-worker-test-slo-delivery-page", "rag-worker-test-slo-intake-page", "rag-worker-test-slo-quality-page"])
    }

    @Test("heartbeat alarm, fleet sum of Heartbeat below 1 in 5 of 5 minutes, missing data breaching; drops alarm on any drop")
    func telemetryAlarms() throws {
        let definitions = try Fixtures.definitions()
        let heartbeat = try #require(definitions.metricAlarm(.heartbeat))
        #expect(heartbeat.metric?.metricName == MetricCatalogue.heartbeat.name)
        #expect(heartbeat.statistic == .sum && heartbeat.threshold == 1 && heartbeat.comparisonOperator == .lessThanThreshold)
        #expect(heartbeat.treatMissingData == .breaching)
        #expect(heartbeat.period == 60 && heartbeat.evaluationPeriods == 5 && heartbeat.datapointsToAlarm == 5)
        let dropped = try #require(definitions.metricAlarm(.telemetryDropped))
        #expect(dropped.metric?.metricName == MetricCatalogue.telemetryDropped.name)
        #expect(dropped.threshold == 1 && dropped.comparisonOperator == .greaterThanOrEqualToThreshold)
        #expect(dropped.treatMissingData == .notBreaching)
        var settings = AlarmSettings()
        settings.compositeEnabled = false
        #expect(try Fixtures.definitions(settings).compositeAlarm == nil)
    }

    @Test("job latency alarms, p99 and Maximum above 120 seconds on JobLatency")
    func latency() throws {
        let definitions = try Fixtures.definitions()
        let p99 = try #require(definitions.metricAlarm(.jobLatencyP99))
        #expect(p99.metric?.metricName == MetricCatalogue.jobLatency.name)
        #expect(p99.statistic == .percentile(99) && p99.evaluateLowSampleCountPercentile == "evaluate")
        #expect(p99.threshold == 120 && p99.comparisonOperator == .greaterThanThreshold)
        let max = try #require(definitions.metricAlarm(.jobLatencyMax))
        #expect(max.statistic == .maximum && max.threshold == 120)
    }

    @Test("error rate alarm, metric math over failed and completed jobs, M of N, quiet periods not breaching")
    func errorRate() throws {
        var settings = AlarmSettings()
        settings.errorRatePercent = 2.5
        settings.errorRateWindow = AlarmWindow(period: 600, evaluationPeriods: 4, datapointsToAlarm: 3)
        let alarm = try #require(try Fixtures.definitions(settings).metricAlarm(.errorRate))
        let queries = try #require(alarm.metrics)
        #expect(queries.compactMap(\.metric?.metricName).sorted()
            == [MetricCatalogue.jobsFailed.name, MetricCatalogue.jobsSucceeded.name])
        #expect(queries.filter(\.returnData).count == 1)
        #expect(queries.compactMap(\.period) == [600, 600])
        #expect(alarm.metric == nil && alarm.period == nil)
        #expect(alarm.threshold == 2.5 && alarm.evaluationPeriods == 4 && alarm.datapointsToAlarm == 3)
        #expect(alarm.treatMissingData == .notBreaching)
    }

    @Test("SageMaker alarms, model latency threshold converted to microseconds and CPU scaled by vCPUs")
    func sageMakerUnits() throws {
        var settings = AlarmSettings()
        settings.modelLatencyThresholdSeconds = 2.5
        settings.cpuPercentPerCore = 80
        settings.instanceVCPUs = 4
        let definitions = try Fixtures.definitions(settings)
        let latency = try #require(definitions.metricAlarm(.modelLatency))
        #expect(latency.threshold == 2_500_000)
        #expect(latency.metric?.namespace == "AWS/SageMaker" && latency.metric?.unit == nil)
        #expect(latency.metric?.dimensions == [
            AlarmDimension(name: "EndpointName", value: "rag-worker-test"),
            AlarmDimension(name: "VariantName", value: "AllTraffic"),
        ])
        #expect(try #require(definitions.metricAlarm(.cpuUtilization)).threshold == 320)
        #expect(try #require(definitions.metricAlarm(.memoryUtilization)).metric?.namespace == "/aws/sagemaker/Endpoints")
    }

    @Test("no-jobs alarm, switched off, absent; switched on, missing data breaches")
    func noJobsSwitch() throws {
        let on = try #require(try Fixtures.definitions().metricAlarm(.noJobsAccepted))
        #expect(on.treatMissingData == .breaching && on.comparisonOperator == .lessThanThreshold)
        var settings = AlarmSettings()
        settings.noJobsAlarmEnabled = false
        let off = try Fixtures.definitions(settings)
        #expect(off.metricAlarm(.noJobsAccepted) == nil)
        #expect(off.metricAlarms.count == Fixtures.metricAlarmCount - 1 + Fixtures.sloMetricAlarmCount)
    }

    @Test("composite alarm, enabled, an OR over every other alarm notifying the topic")
    func composite() throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let definitions = try Fixtures.definitions(settings)
        let page = try #require(definitions.compositeAlarm)
        #expect(page.alarmName == "rag-worker-test-page")
        #expect(page.inputAlarmNames.count == Fixtures.metricAlarmCount - 2 + Fixtures.activeSLOCount,
                "the catalogue's alarms less the two latency alarms, and each active SLO's page composite")
        #expect(page.alarmRule == page.inputAlarmNames.map { "ALARM(\"\($0)\")" }.joined(separator: " OR "))
        #expect(page.alarmActions == [definitions.target.topicARN])
    }

    @Test("invalid settings, every problem listed in one error")
    func invalid() throws {
        var settings = AlarmSettings()
        settings.errorRateWindow = AlarmWindow(period: 45, evaluationPeriods: 2, datapointsToAlarm: 3)
        settings.latencyThresholdSeconds = -1
        settings.noJobsWindow = AlarmWindow(period: 3_600, evaluationPeriods: 200)
        let error = try #require(throws: AlarmSetupError.self) { try Fixtures.definitions(settings) }
        #expect(error.code == .invalidSettings)
        #expect(error.message.contains("period 45 s"))
        #expect(error.message.contains("datapoints to alarm (3)"))
        #expect(error.message.contains("latency threshold"))
        #expect(error.message.contains("604800 s evaluation range"))
        #expect(throws: AlarmSetupError.self) {
            try Fixtures.definitions(target: Fixtures.target(endpoint: "bad name!"))
        }
    }

    @Test("window argument, M/N@P round-trips and rejects other spellings")
    func windowArgument() {
        #expect(AlarmWindow(argument: "2/3@300") == AlarmWindow(period: 300, evaluationPeriods: 3, datapointsToAlarm: 2))
        #expect(AlarmWindow(argument: "2/3@300")?.argument == "2/3@300")
        #expect(AlarmWindow(argument: "300") == nil)
        #expect(AlarmWindow(argument: "2of3@300") == nil)
    }

    @Test("alarm JSON, decoding what was encoded, gives the same definitions")
    func codableRoundTrip() throws {
        var settings = AlarmSettings()
        settings.compositeEnabled = true
        let definitions = try Fixtures.definitions(settings)
        let data = try JSONEncoder().encode(RenderedAlarms(definitions))
        let decoded = try JSONDecoder().decode(RenderedAlarms.self, from: data)
        #expect(decoded == RenderedAlarms(definitions))
    }
}
