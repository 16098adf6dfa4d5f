import Foundation
import Telemetry
import Testing

@testable import AlarmSetup

/// The SLO file's burn-rate alarms on synthetic series, evaluated the way CloudWatch evaluates
/// them (``AlarmEvaluator``, every minute, sliding windows), with the SRE Workbook's figures as
/// the expected values.
///
/// The workbook ("Alerting on SLOs", multiwindow, multi-burn-rate alerts) recommends, for a 99.9 %
/// objective, these tiers; the burn rate is the budget share × SLO window / long window, here for
/// the file's 28-day window; the error ratio that fires is burn rate × (1 − 0.999); a 100 % outage
/// after steady traffic reaches it after error ratio × long window:
///
/// | tier   | budget spent | long window | short window | burn rate (28 d) | error ratio | 100 % outage detected after |
/// |--------|--------------|-------------|--------------|------------------|-------------|-----------------------------|
/// | page   | 2 %          | 1 h         | 5 min        | 13.44            | 1.344 %     | 0.8064 min (48.4 s)         |
/// | page   | 5 %          | 6 h         | 30 min       | 5.6              | 0.56 %      | 2.016 min                   |
/// | ticket | 10 %         | 3 d (1 d)   | 6 h (2 h)    | 0.9333           | 0.09333 %   | 4.03 min (3 d), 1.34 min (1 d) |
///
/// CloudWatch's longest alarm period is one day, so the ticket tier looks back 1 d with a 2 h short
/// window at the 3-day tier's burn rate. Samples are published per minute as the exporter does, so
/// a detection lands on the first minute boundary at or after the workbook's time.
@Suite("SLO burn-rate alarms")
struct SLOBurnRateAlarmTests {
    let definitions: AlarmDefinitions
    /// The intake SLO: 99.9 %, the workbook's own example objective.
    let intake: ServiceLevelObjective
    let delivery: ServiceLevelObjective
    /// A multiple of every period, far from zero.
    let origin = 86_400.0 * 100

    init() throws {
        definitions = try Fixtures.definitions()
        intake = try #require(definitions.objectives.intake)
        delivery = try #require(definitions.objectives.delivery)
    }

    // MARK: The tiers are the workbook's

    @Test("tiers from the SLO file, burn rates = budget share × 28 d / long window, ratios = burn × budget")
    func workbookTiers() throws {
        #expect(intake.target == 0.999 && intake.windowSeconds == 28 * 86_400)
        let tiers = Dictionary(uniqueKeysWithValues: intake.tiers.map { ($0.name, $0) })
        let fast = try #require(tiers["fast-burn"]), slow = try #require(tiers["slow-burn"]), ticket = try #require(tiers["budget-burn"])
        // 2 % of 672 h in 1 h, 5 % in 6 h, 10 % in 72 h (the 3-day tier's rate, over one day here).
        #expect(fast.burnRate == SLONumber.rounded(0.02 * 672 / 1) && fast.longWindowSeconds == 3_600 && fast.shortWindowSeconds == 300)
        #expect(slow.burnRate == SLONumber.rounded(0.05 * 672 / 6) && slow.longWindowSeconds == 21_600 && slow.shortWindowSeconds == 1_800)
        #expect(abs(ticket.burnRate - 0.1 * 672 / 72) < 0.0001 && ticket.longWindowSeconds == 86_400 && ticket.shortWindowSeconds == 7_200)
        #expect(fast.errorPercentThreshold(target: intake.target) == 1.344)
        #expect(slow.errorPercentThreshold(target: intake.target) == 0.56)
        #expect(ticket.errorPercentThreshold(target: intake.target) == 0.09333)
        #expect([fast, slow].map(\.severity) == [.page, .page] && ticket.severity == .ticket)
        // Delivery: the same tiers on a 99 % objective.
        #expect(delivery.tiers.map { $0.errorPercentThreshold(target: delivery.target) } == [13.44, 5.6, 0.9333])
    }

    @Test("every SLO alarm keeps CloudWatch's rules: ≤ 10 metrics, one returned, valid period, evaluation range within limits")
    func withinCloudWatchRules() throws {
        let slo = definitions.metricAlarms.filter { $0.alarmName.contains("-slo-") }
        #expect(slo.count == Fixtures.sloMetricAlarmCount, "3 active SLOs × 3 tiers × (long, short)")
        for alarm in slo {
            let queries = try #require(alarm.metrics)
            #expect(queries.count <= 10 && queries.filter(\.returnData).count == 1, "\(alarm.alarmName)")
            let period = alarm.evaluationPeriodSeconds
            #expect([10, 20, 30].contains(period) || period % 60 == 0, "\(alarm.alarmName)")
            #expect(period <= 86_400)
            let range = period * alarm.evaluationPeriods
            #expect(range <= (period < 3_600 ? 86_400 : 604_800), "\(alarm.alarmName)")
            #expect(AlarmWindow(period: period, evaluationPeriods: alarm.evaluationPeriods).problems(for: alarm.alarmName).isEmpty)
            #expect(alarm.alarmActions.isEmpty && alarm.okActions.isEmpty, "inputs carry no actions")
            for query in queries where query.expression != nil {
                _ = try MetricMathExpression.parse(try #require(query.expression))
            }
        }
        let composites = definitions.compositeAlarms.filter { $0.alarmName.contains("-slo-") }
        #expect(composites.count == Fixtures.sloCompositeCount, "per SLO: 2 page tiers, its page composite, 1 ticket")
        for composite in composites {
            #expect(CompositeRuleEvaluator.parse(composite.alarmRule) != nil, "\(composite.alarmRule)")
            for input in composite.inputAlarmNames {
                #expect(definitions.alarmNames.contains(input), "\(composite.alarmName) reads \(input), which is defined")
            }
        }
        let ticket = try #require(definitions.compositeAlarm(named: "\(Fixtures.endpoint)-slo-intake-budget-burn"))
        #expect(ticket.actionsSuppressor == "\(Fixtures.endpoint)-slo-intake-page")
        #expect(ticket.actionsSuppressorWaitPeriod == 120 && ticket.actionsSuppressorExtensionPeriod == 600)
        // The pager reads each SLO's page composite, and no longer the latency alarms.
        let pager = try #require(definitions.compositeAlarm)
        #expect(pager.inputAlarmNames.contains("\(Fixtures.endpoint)-slo-delivery-page"))
        #expect(pager.inputAlarmNames.contains("\(Fixtures.endpoint)-slo-intake-page"))
        #expect(!pager.inputAlarmNames.contains(AlarmKind.jobLatencyMax.alarmName(endpoint: Fixtures.endpoint)))
        #expect(!pager.inputAlarmNames.contains(AlarmKind.jobLatencyP99.alarmName(endpoint: Fixtures.endpoint)))
        #expect(try #require(definitions.metricAlarm(.jobLatencyMax)).alarmActions.isEmpty)
    }

    // MARK: Synthetic series

    @Test("100 % outage after steady traffic: the 1 h tier pages after 1 minute (workbook 0.8064 min), the 6 h tier after 3 (2.016 min), within the 5 min short window")
    func outagePagesWithinShortWindow() throws {
        var series = Series(objective: intake, target: definitions.target)
        series.publish(minutes: 0..<(6 * 60), perMinute: 1_000, bad: 0)
        let outage = 6 * 60
        series.publish(minutes: outage..<(outage + 60), perMinute: 1_000, bad: 1_000)
        let states = try (outage...(outage + 10)).map { try series.states(at: $0, definitions) }
        let fastAt = try #require(states.firstIndex { $0.tier["fast-burn"] == .alarm })
        let slowAt = try #require(states.firstIndex { $0.tier["slow-burn"] == .alarm })
        let pageAt = try #require(states.firstIndex { $0.page == .alarm })
        #expect(Double(fastAt) == (0.01344 * 60).rounded(.up), "first minute boundary after 0.8064 min")
        #expect(Double(slowAt) == (0.0056 * 360).rounded(.up), "first minute boundary after 2.016 min")
        #expect(pageAt == fastAt && pageAt * 60 <= 300, "pages within the short window's 5 minutes")
    }

    @Test("a steady error ratio of exactly 1.344 % fires the 1 h tier; 1.3439 % does not")
    func fastTierThreshold() throws {
        for (bad, expected) in [(13_440, AlarmState.alarm), (13_439, .ok)] {
            var series = Series(objective: intake, target: definitions.target)
            series.publish(minutes: 0..<120, perMinute: 1_000_000, bad: bad)
            #expect(try series.states(at: 120, definitions).tier["fast-burn"] == expected, "\(bad) of 1,000,000")
        }
    }

    @Test("a steady 0.56 % (the lowest page tier's ratio) pages; 0.5599 % never does")
    func lowestPageThreshold() throws {
        for (bad, pages) in [(5_600, true), (5_599, false)] {
            var series = Series(objective: intake, target: definitions.target)
            series.publish(minutes: 0..<(8 * 60), perMinute: 1_000_000, bad: bad)
            let states = try stride(from: 60, through: 8 * 60, by: 20).map { try series.states(at: $0, definitions) }
            #expect(states.contains { $0.page == .alarm } == pages, "\(bad) of 1,000,000 a minute")
        }
    }

    @Test("a steady 0.5 % never pages over three days and raises the ticket within the 1 d long window (after ~4.5 h), notifying since no page fires")
    func steadySlowBurnTickets() throws {
        // Five-minute samples keep three days of evaluations quick; every window is a multiple of 5 min.
        var series = Series(objective: intake, target: definitions.target, step: 5)
        series.publish(minutes: 0..<(86_400 / 60), perMinute: 5_000, bad: 0)
        let start = 86_400 / 60
        series.publish(minutes: start..<(start + 3 * 1_440), perMinute: 5_000, bad: 25)
        let states = try stride(from: start, through: start + 3 * 1_440, by: 5).map { try series.states(at: $0, definitions) }
        #expect(!states.contains { $0.page == .alarm }, "0.5 % is under the 6 h tier's 0.56 %")
        let ticketAt = try #require(states.firstIndex { $0.ticket == .alarm }) * 5
        // The 1 d window's ratio reaches 0.09333 % after 0.09333 / 0.5 × 24 h = 4.48 h.
        #expect(Double(ticketAt) >= 0.09333 / 0.5 * 1_440 && ticketAt <= 1_440, "ticket after \(ticketAt) min")
        #expect(series.ticketNotifies(states: states, stepMinutes: 5, firingAt: ticketAt / 5))
    }

    @Test("after a 30-minute outage the 1 h tier clears within its 5 min short window and the page within 30 min, while the long windows still breach")
    func pageClearsAfterRecovery() throws {
        var series = Series(objective: intake, target: definitions.target)
        series.publish(minutes: 0..<(6 * 60), perMinute: 1_000, bad: 0)
        let outage = 6 * 60, recovery = outage + 30
        series.publish(minutes: outage..<recovery, perMinute: 1_000, bad: 1_000)
        series.publish(minutes: recovery..<(recovery + 120), perMinute: 1_000, bad: 0)
        #expect(try series.states(at: recovery, definitions).page == .alarm)
        let after = try (recovery...(recovery + 40)).map { try series.states(at: $0, definitions) }
        let fastClears = try #require(after.firstIndex { $0.tier["fast-burn"] == .ok })
        let pageClears = try #require(after.firstIndex { $0.page == .ok })
        #expect(fastClears <= 5 && pageClears <= 30, "fast tier clears after \(fastClears) min, page after \(pageClears) min")
        #expect(after[pageClears].long["fast-burn"] == .alarm && after[pageClears].long["slow-burn"] == .alarm,
                "the 1 h and 6 h windows still hold the outage: the short windows end the page")
        // Meanwhile the ticket fired, and its notification waited for the page composite, which was in ALARM.
        let all = try (outage...(recovery + 40)).map { try series.states(at: $0, definitions) }
        let ticketAt = try #require(all.firstIndex { $0.ticket == .alarm })
        #expect(!series.ticketNotifies(states: all, stepMinutes: 1, firingAt: ticketAt), "the page suppresses the ticket")
    }

    @Test("low traffic: one failure among the guard's 8 delivery jobs in an hour does not page, nor among 7 (guarded); two among 8 do")
    func minimumTrafficGuard() throws {
        let fast = try #require(delivery.tiers.first { $0.name == "fast-burn" })
        #expect(fast.minimumEvents(target: delivery.target) == 8, "1/8 = 12.5 % < 13.44 % ≤ 1/7 = 14.3 %")
        for (jobs, failures, pages) in [(8, 1, false), (7, 1, false), (8, 2, true)] {
            var series = Series(objective: delivery, target: definitions.target)
            // The good jobs spread over the hour; the failures in its last minutes, so every short window sees them.
            let good = jobs - failures
            for job in 0..<good {
                let minute = 60 + job * (60 / good)
                series.publish(minutes: minute..<(minute + 1), perMinute: 1, bad: 0)
            }
            series.publish(minutes: 118..<119, perMinute: failures, bad: failures)
            let state = try series.states(at: 120, definitions)
            #expect((state.page == .alarm) == pages, "\(failures) failure(s) among \(jobs) jobs in the hour")
        }
    }

    /// Per-minute (or per-`step`-minute) good/total samples of one SLO, and the alarm states they give.
    struct Series {
        let objective: ServiceLevelObjective
        let target: DeploymentTarget
        var step = 1
        var data = MetricData()
        let origin = 86_400.0 * 100

        init(objective: ServiceLevelObjective, target: DeploymentTarget, step: Int = 1) {
            self.objective = objective
            self.target = target
            self.step = step
        }

        private func metric(_ name: String) -> MetricReference {
            .worker(MetricCatalogue.definition(named: name)!, target: target)
        }

        /// `perMinute` events a minute over `minutes`, `bad` of them bad (published once per step).
        mutating func publish(minutes: Range<Int>, perMinute: Int, bad: Int) {
            for minute in stride(from: minutes.lowerBound, to: minutes.upperBound, by: step) {
                let time = origin + Double(minute * 60) + 1
                data.add(metric(objective.totalMetricName), at: time, value: Double(perMinute * step))
                data.add(metric(objective.goodMetricName), at: time, value: Double((perMinute - bad) * step))
            }
        }

        struct States {
            var long: [String: AlarmState] = [:]
            var tier: [String: AlarmState] = [:]
            var page: AlarmState = .ok
            var ticket: AlarmState = .ok
        }

        /// Every alarm of the SLO evaluated at the end of minute `minute`.
        func states(at minute: Int, _ definitions: AlarmDefinitions) throws -> States {
            let builder = SLOAlarmBuilder(target: target, objective: objective)
            let evaluator = AlarmEvaluator(data: data)
            let end = origin + Double(minute * 60)
            var inputs: [String: AlarmState] = [:]
            var states = States()
            for tier in objective.tiers {
                for seconds in [tier.longWindowSeconds, tier.shortWindowSeconds] {
                    let name = builder.windowAlarmName(tier, seconds: seconds)
                    let state = try evaluator.evaluate(try #require(definitions.metricAlarm(named: name)), at: end).state
                    inputs[name] = state
                    if seconds == tier.longWindowSeconds { states.long[tier.name] = state }
                }
            }
            for composite in builder.compositeAlarms(pagerExists: true) {
                let state: AlarmState = try #require(CompositeRuleEvaluator.state(of: composite, inputs: inputs))
                inputs[composite.alarmName] = state
            }
            for tier in objective.tiers { states.tier[tier.name] = inputs[builder.tierAlarmName(tier)] }
            states.page = inputs[builder.pageAlarmName] ?? .ok
            states.ticket = builder.ticketTiers.contains { inputs[builder.tierAlarmName($0)] == .alarm } ? .alarm : .ok
            return states
        }

        /// Whether the ticket composite that entered ALARM at `states[firingAt]` notifies: its
        /// `ActionsSuppressor` (the SLO's page composite) must not be in ALARM then nor within
        /// the wait period after (PutCompositeAlarm's documented suppression).
        func ticketNotifies(states: [States], stepMinutes: Int, firingAt index: Int) -> Bool {
            let wait = SLOAlarmBuilder.suppressorWaitSeconds / 60 / stepMinutes
            return !states[index...min(states.count - 1, index + wait)].contains { $0.page == .alarm }
        }
    }
}
