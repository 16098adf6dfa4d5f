/// Applies a metric alarm's rule to synthetic data the way CloudWatch does, so tests can show that
/// each rendered alarm fires exactly when it should.
///
/// Each period's value is the alarm's statistic over the samples it sees (its `Unit` filters them),
/// or, for math alarms, the returned expression over the queries' values. CloudWatch's evaluation,
/// as its user guide describes it ("Configuring how CloudWatch alarms treat missing data"):
/// it retrieves the data points of an *evaluation range* of R ≥ N periods ending at `end`, then
/// - when R holds at least N real data points, the most recent N of them decide, and the
///   `TreatMissingData` setting plays no part;
/// - otherwise every real data point of the range counts and the missing ones are filled up to N:
///   as breaching (`breaching`) or within the threshold (`notBreaching`); with `missing` and
///   `ignore` nothing is filled: enough breaching points give ALARM, any point within the
///   threshold gives OK, and a range whose real points all breach but are too few gives ALARM
///   when its oldest data point breaches and INSUFFICIENT_DATA otherwise (`ignore`: the current
///   state in both cases, and also when there is no data at all, where `missing` gives
///   INSUFFICIENT_DATA).
/// The state is ALARM when at least M (`DatapointsToAlarm`) of the evaluated points breach, else OK.
///
/// CloudWatch chooses R from the period and the metric's resolution and does not publish it; by
/// default this evaluator uses R = N (the guide's tables use R = 5 for N = 3, and so do the tests
/// that check them).
struct AlarmEvaluator: Sendable {
    let data: MetricData

    /// The outcome of one evaluation.
    struct Evaluation: Sendable, Hashable {
        let state: AlarmState
        /// The values of the N most recent periods, oldest first; `nil` where a period has none.
        let datapoints: [Double?]
        let breachingCount: Int
    }

    /// Evaluates `alarm` at `end`.
    ///
    /// - Parameters:
    ///   - current: the state before this evaluation (matters only for `ignore`).
    ///   - evaluationRange: R, the periods retrieved; N (the alarm's evaluation periods) when nil.
    /// - Throws: ``MetricMathError`` when a math alarm's expression cannot be read.
    func evaluate(_ alarm: MetricAlarmDefinition, at end: Double, current: AlarmState = .ok, evaluationRange: Int? = nil) throws -> Evaluation {
        let periods = alarm.evaluationPeriods
        let needed = alarm.datapointsToAlarm
        let range = max(periods, evaluationRange ?? periods)
        let period = Double(alarm.evaluationPeriodSeconds)
        let starts = (0..<range).map { end - Double(range - $0) * period }
        let retrieved = try starts.map { try value(of: alarm, from: $0, to: $0 + period) }
        let recent = Array(retrieved.suffix(periods))
        let breaches = { (value: Double) in alarm.comparisonOperator.breaches(value, threshold: alarm.threshold) }
        let present = retrieved.compactMap { $0 }
        func outcome(_ breaching: Int) -> Evaluation {
            Evaluation(state: breaching >= needed ? .alarm : .ok, datapoints: recent, breachingCount: breaching)
        }

        if present.count >= periods {
            return outcome(present.suffix(periods).filter(breaches).count)
        }
        let breachingPresent = present.filter(breaches).count
        switch alarm.treatMissingData {
        case .breaching:
            return outcome(breachingPresent + (periods - present.count))
        case .notBreaching:
            return outcome(breachingPresent)
        case .missing, .ignore:
            let keep = alarm.treatMissingData == .ignore
            if present.isEmpty {
                return Evaluation(state: keep ? current : .insufficientData, datapoints: recent, breachingCount: 0)
            }
            if breachingPresent >= needed || breachingPresent < present.count {
                return outcome(breachingPresent)
            }
            let oldestBreaches = retrieved.first.flatMap { $0 }.map(breaches) ?? false
            let state: AlarmState = keep ? current : (oldestBreaches ? .alarm : .insufficientData)
            return Evaluation(state: state, datapoints: recent, breachingCount: breachingPresent)
        }
    }

    /// Evaluates at every period boundary from `start` to `end` and returns the states in order,
    /// carrying the state forward as CloudWatch does for `ignore`.
    func states(of alarm: MetricAlarmDefinition, from start: Double, to end: Double) throws -> [AlarmState] {
        let step = Double(alarm.evaluationPeriodSeconds)
        var state = AlarmState.insufficientData
        var states: [AlarmState] = []
        var time = start
        while time <= end {
            state = try evaluate(alarm, at: time, current: state).state
            states.append(state)
            time += step
        }
        return states
    }

    private func value(of alarm: MetricAlarmDefinition, from start: Double, to end: Double) throws -> Double? {
        if let metric = alarm.metric, let statistic = alarm.statistic {
            return PeriodStatistic.value(statistic, of: data.samples(of: metric, from: start, to: end, unit: metric.unit))
        }
        let queries = alarm.metrics ?? []
        var values: [String: Double?] = [:]
        for query in queries {
            if let metric = query.metric, let stat = query.stat {
                values[query.id] = PeriodStatistic.value(
                    stat, of: data.samples(of: metric, from: start, to: end, unit: metric.unit))
            }
        }
        guard let returned = queries.first(where: \.returnData), let text = returned.expression else { return nil }
        return try MetricMathExpression.parse(text).evaluate(values)
    }
}
