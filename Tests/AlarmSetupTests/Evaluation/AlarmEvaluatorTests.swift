import Telemetry
import Testing

@testable import AlarmSetup

/// Each rendered alarm's rule, applied to synthetic series the way CloudWatch evaluates it.
@Suite("Alarm evaluation")
struct AlarmEvaluatorTests {
    /// Evaluation time: a multiple of every period used, far from zero.
    let now = 3_600.0 * 1_000
    let definitions: AlarmDefinitions
    let target: DeploymentTarget

    init() throws {
        definitions = try Fixtures.definitions()
        target = definitions.target
    }

    private func alarm(_ kind: AlarmKind) throws -> MetricAlarmDefinition {
        try #require(definitions.metricAlarm(kind))
    }

    private func state(_ kind: AlarmKind, _ data: MetricData) throws -> AlarmState {
        try AlarmEvaluator(data: data).evaluate(alarm(kind), at: now).state
    }

    private func worker(_ definition: MetricDefinition) -> MetricReference { .worker(definition, target: target) }

    /// Publishes `total` of a counter spread over the minutes of `[start, start + seconds)`, as the exporter does.
    private func publishCounter(_ metric: MetricReference, total: Int, from start: Double, seconds: Int, into data: inout MetricData) {
        let minutes = max(1, seconds / 60)
        for minute in 0..<minutes {
            let share = total / minutes + (minute < total % minutes ? 1 : 0)
            data.add(metric, at: start + Double(minute * 60) + 30, value: Double(share))
        }
    }

    /// The start of the i-th most recent period of `seconds` (1 = the last).
    private func periodStart(_ i: Int, _ seconds: Int) -> Double { now - Double(i * seconds) }

    @Test("p99 latency, two of three periods at 119 s, exactly 120 s or 121 s: OK, OK (GreaterThanThreshold), ALARM",
          arguments: [(119.0, AlarmState.ok), (120.0, .ok), (121.0, .alarm)])
    func latencyPercentile(slow: Double, expected: AlarmState) throws {
        var data = MetricData()
        for period in [1, 2] {
            let start = periodStart(period, 300)
            data.add(worker(MetricCatalogue.jobLatency), at: start + 10, value: 30, count: 98)
            data.add(worker(MetricCatalogue.jobLatency), at: start + 200, value: slow, count: 2)
        }
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.jobLatencyP99), at: now)
        #expect(evaluation.datapoints == [nil, slow, slow])
        #expect(evaluation.state == expected)
    }

    @Test("maximum latency, one job at 119 s, exactly 120 s or 121 s in the last minute: OK, OK (GreaterThanThreshold), ALARM",
          arguments: [(119.0, AlarmState.ok), (120.0, .ok), (121.0, .alarm)])
    func latencyMaximum(slow: Double, expected: AlarmState) throws {
        var data = MetricData()
        data.add(worker(MetricCatalogue.jobLatency), at: now - 30, value: 12, count: 3)
        data.add(worker(MetricCatalogue.jobLatency), at: now - 20, value: slow)
        #expect(try state(.jobLatencyMax, data) == expected)
    }

    @Test("quiet endpoint, one job at 121 s, the maximum alarm fires and the p99 alarm waits for a second period")
    func singleSlowJob() throws {
        var data = MetricData()
        data.add(worker(MetricCatalogue.jobLatency), at: now - 20, value: 121)
        #expect(try state(.jobLatencyMax, data) == .alarm)
        let p99 = try AlarmEvaluator(data: data).evaluate(alarm(.jobLatencyP99), at: now)
        #expect(p99.breachingCount == 1 && p99.state == .ok)
    }

    @Test("latency published in another unit, not seen by the alarm, which stays OK")
    func unitFilters() throws {
        var data = MetricData()
        data.add(worker(MetricCatalogue.jobLatency), at: now - 20, value: 121_000, unit: .milliseconds)
        #expect(try state(.jobLatencyMax, data) == .ok)
    }

    @Test("error rate, 4.9 % vs 5.1 % of 1000 completed jobs in two of three periods, OK vs ALARM",
          arguments: [(49, AlarmState.ok), (50, .ok), (51, .alarm)])
    func errorRate(failed: Int, expected: AlarmState) throws {
        var data = MetricData()
        for period in [1, 2] {
            let start = periodStart(period, 300)
            publishCounter(worker(MetricCatalogue.jobsFailed), total: failed, from: start, seconds: 300, into: &data)
            publishCounter(worker(MetricCatalogue.jobsSucceeded), total: 1000 - failed, from: start, seconds: 300, into: &data)
        }
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.errorRate), at: now)
        #expect(evaluation.datapoints.compactMap { $0 }.map { ($0 * 10).rounded() / 10 } == [Double(failed) / 10, Double(failed) / 10])
        #expect(evaluation.state == expected)
    }

    @Test("error rate, successes without any JobsFailed datapoint, 0 % and OK; failures alone, 100 % and ALARM")
    func errorRateFill() throws {
        var quietFailures = MetricData()
        var onlyFailures = MetricData()
        for period in [1, 2, 3] {
            publishCounter(worker(MetricCatalogue.jobsSucceeded), total: 20, from: periodStart(period, 300), seconds: 300, into: &quietFailures)
            publishCounter(worker(MetricCatalogue.jobsFailed), total: 2, from: periodStart(period, 300), seconds: 300, into: &onlyFailures)
        }
        let ok = try AlarmEvaluator(data: quietFailures).evaluate(alarm(.errorRate), at: now)
        #expect(ok.datapoints == [0, 0, 0] && ok.state == .ok)
        let bad = try AlarmEvaluator(data: onlyFailures).evaluate(alarm(.errorRate), at: now)
        #expect(bad.datapoints == [100, 100, 100] && bad.state == .alarm)
    }

    @Test("webhook dead letters, one in the last minute, ALARM; zero published or nothing, OK")
    func deadLetter() throws {
        var one = MetricData()
        one.add(worker(MetricCatalogue.webhookFailures), at: now - 15, value: 1)
        #expect(try state(.webhookDeadLetters, one) == .alarm)
        var zero = MetricData()
        zero.add(worker(MetricCatalogue.webhookFailures), at: now - 15, value: 0)
        #expect(try state(.webhookDeadLetters, zero) == .ok)
        #expect(try state(.webhookDeadLetters, MetricData()) == .ok)
    }

    @Test("no data at all for six hours: the no-jobs and heartbeat alarms fire (nothing runs or exports); instance alarms lack data")
    func quietEndpoint() throws {
        let data = MetricData()
        let expected: [AlarmKind: AlarmState] = [
            .jobLatencyP99: .ok, .jobLatencyMax: .ok, .errorRate: .ok, .webhookDeadLetters: .ok,
            .invocation5XXErrors: .ok, .modelLatency: .ok, .cpuUtilization: .insufficientData,
            .memoryUtilization: .insufficientData, .noJobsAccepted: .alarm, .heartbeat: .alarm, .telemetryDropped: .ok,
            .groundedness: .ok, .guardBlocks: .ok, .repairDegradedRate: .ok, .dailySpend: .ok, .jobCostOutlier: .ok,
        ]
        for alarm in definitions.metricAlarms {
            guard let kind = AlarmKind.kind(ofAlarmNamed: alarm.alarmName, endpoint: Fixtures.endpoint) else {
                // The SLO file's burn-rate inputs: missing data is not breaching.
                #expect(alarm.alarmName.contains("-slo-"), "\(alarm.alarmName)")
                #expect(try AlarmEvaluator(data: data).evaluate(alarm, at: now).state == .ok, "\(alarm.alarmName)")
                continue
            }
            #expect(try AlarmEvaluator(data: data).evaluate(alarm, at: now).state == expected[kind], "\(kind)")
        }
        var oneJob = MetricData()
        oneJob.add(worker(MetricCatalogue.jobsAccepted), at: now - 7 * 3_600, value: 1)
        #expect(try state(.noJobsAccepted, oneJob) == .alarm)
        // One job five hours ago: one of the six hourly periods is within the threshold, so 6 of 6 is not reached.
        oneJob.add(worker(MetricCatalogue.jobsAccepted), at: now - 5 * 3_600, value: 1)
        #expect(try state(.noJobsAccepted, oneJob) == .ok)
    }

    @Test("SageMaker 5xx, 4 vs 5 errors in five minutes, OK vs ALARM", arguments: [(4, AlarmState.ok), (5, .alarm)])
    func invocation5XX(errors: Int, expected: AlarmState) throws {
        var data = MetricData()
        let metric = MetricReference.external(ExternalMetricCatalogue.invocation5XXErrors, target: target)
        publishCounter(metric, total: errors, from: periodStart(1, 300), seconds: 300, into: &data)
        #expect(try state(.invocation5XXErrors, data) == expected)
    }

    @Test("model latency in microseconds, 9.9 s vs 10.1 s in three of five minutes, OK vs ALARM",
          arguments: [(9_900_000.0, AlarmState.ok), (10_100_000.0, .alarm)])
    func modelLatency(microseconds: Double, expected: AlarmState) throws {
        var data = MetricData()
        let metric = MetricReference.external(ExternalMetricCatalogue.modelLatency, target: target)
        for minute in [1, 3, 5] { data.add(metric, at: periodStart(minute, 60) + 5, value: microseconds, unit: .microseconds) }
        for minute in [2, 4] { data.add(metric, at: periodStart(minute, 60) + 5, value: 4_000, unit: .microseconds) }
        #expect(try state(.modelLatency, data) == expected)
    }

    @Test("CPU summed over two cores, 175 % vs 185 % for fifteen minutes, OK vs ALARM",
          arguments: [(175.0, AlarmState.ok), (185.0, .alarm)])
    func cpu(percent: Double, expected: AlarmState) throws {
        var data = MetricData()
        let metric = MetricReference.external(ExternalMetricCatalogue.cpuUtilization, target: target)
        for minute in 1...15 { data.add(metric, at: periodStart(minute, 60) + 1, value: percent, unit: .percent) }
        #expect(try state(.cpuUtilization, data) == expected)
    }

    @Test("groundedness, average 0.59 vs 0.61 in two of three hours (threshold 0.6), ALARM vs OK",
          arguments: [(0.59, AlarmState.alarm), (0.61, .ok)])
    func groundedness(average: Double, expected: AlarmState) throws {
        var data = MetricData()
        let metric = worker(MetricCatalogue.proposalGroundedness)
        for period in [1, 2] {
            // Ten proposals an hour around the average: half 0.2 above it, half 0.2 below.
            data.add(metric, at: periodStart(period, 3_600) + 100, value: average + 0.2, count: 5)
            data.add(metric, at: periodStart(period, 3_600) + 2_000, value: average - 0.2, count: 5)
        }
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.groundedness), at: now)
        #expect(evaluation.datapoints.compactMap { $0 }.map { ($0 * 1000).rounded() / 1000 } == [average, average])
        #expect(evaluation.state == expected)
    }

    @Test("guard blocks, one in the last minute, ALARM; none, OK")
    func guardBlocks() throws {
        var one = MetricData()
        one.add(worker(MetricCatalogue.guardBlocks), at: now - 10, value: 1)
        #expect(try state(.guardBlocks, one) == .alarm)
        var zero = MetricData()
        zero.add(worker(MetricCatalogue.guardBlocks), at: now - 10, value: 0)
        #expect(try state(.guardBlocks, zero) == .ok)
        #expect(try state(.guardBlocks, MetricData()) == .ok)
    }

    @Test("repairs and degraded stages, 19.9 vs 20.1 per 100 of 1000 completed jobs in two of three periods, OK vs ALARM",
          arguments: [(199, AlarmState.ok), (200, .ok), (201, .alarm)])
    func repairDegradedRate(events: Int, expected: AlarmState) throws {
        var data = MetricData()
        for period in [1, 2] {
            let start = periodStart(period, 900)
            // Repairs, failed reranks and empty retrievals all count; failed jobs are completed jobs too.
            publishCounter(worker(MetricCatalogue.modelRepairs), total: events / 2, from: start, seconds: 900, into: &data)
            publishCounter(.worker(MetricCatalogue.degradedJobs, target: target, values: [.stage: "rerank"]),
                           total: events / 4, from: start, seconds: 900, into: &data)
            publishCounter(.worker(MetricCatalogue.degradedJobs, target: target, values: [.stage: "retrieve"]),
                           total: events - events / 2 - events / 4, from: start, seconds: 900, into: &data)
            publishCounter(worker(MetricCatalogue.jobsSucceeded), total: 950, from: start, seconds: 900, into: &data)
            publishCounter(worker(MetricCatalogue.jobsFailed), total: 50, from: start, seconds: 900, into: &data)
        }
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.repairDegradedRate), at: now)
        #expect(evaluation.datapoints.compactMap { $0 }.map { ($0 * 10).rounded() / 10 } == [Double(events) / 10, Double(events) / 10])
        #expect(evaluation.state == expected)
    }

    @Test("repair/degraded rate, a quiet period without completed jobs has no value and stays OK")
    func repairDegradedQuiet() throws {
        var data = MetricData()
        data.add(worker(MetricCatalogue.modelRepairs), at: now - 100, value: 0)
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.repairDegradedRate), at: now)
        #expect(evaluation.datapoints == [nil, nil, nil] && evaluation.state == .ok)
    }

    @Test("daily spend, $19.99 vs $20.01 of job costs over the day (budget $20), OK vs ALARM",
          arguments: [(19.99, AlarmState.ok), (20.01, .alarm)])
    func dailySpend(total: Double, expected: AlarmState) throws {
        var data = MetricData()
        let metric = worker(MetricCatalogue.jobCost)
        // 1,000 jobs through the day, the last one making up the total.
        let each = 0.015
        for hour in 0..<20 {
            data.add(metric, at: now - 86_400 + Double(hour * 3_600) + 60, value: each, count: 50)
        }
        data.add(metric, at: now - 30, value: total - each * 1_000)
        let evaluation = try AlarmEvaluator(data: data).evaluate(alarm(.dailySpend), at: now)
        #expect(evaluation.datapoints.compactMap { $0 }.map { ($0 * 100).rounded() / 100 } == [total])
        #expect(evaluation.state == expected)
    }

    @Test("job cost outlier, the most expensive job of five minutes at $0.049 vs $0.051 (limit $0.05), OK vs ALARM",
          arguments: [(0.049, AlarmState.ok), (0.051, .alarm)])
    func jobCostOutlier(cost: Double, expected: AlarmState) throws {
        var data = MetricData()
        data.add(worker(MetricCatalogue.jobCost), at: now - 200, value: 0.0004, count: 300)
        data.add(worker(MetricCatalogue.jobCost), at: now - 100, value: cost)
        #expect(try state(.jobCostOutlier, data) == expected)
    }

    @Test("error rate over time, a burst then recovery, goes ALARM and back to OK")
    func timeline() throws {
        var data = MetricData()
        let start = now - 12 * 300
        for period in 0..<12 {
            let failed = (4..<7).contains(period) ? 30 : 1
            publishCounter(worker(MetricCatalogue.jobsFailed), total: failed, from: start + Double(period * 300), seconds: 300, into: &data)
            publishCounter(worker(MetricCatalogue.jobsSucceeded), total: 100 - failed, from: start + Double(period * 300), seconds: 300, into: &data)
        }
        let states = try AlarmEvaluator(data: data).states(of: alarm(.errorRate), from: start + 300, to: now)
        #expect(states == [.ok, .ok, .ok, .ok, .ok, .alarm, .alarm, .alarm, .ok, .ok, .ok, .ok])
    }
}
