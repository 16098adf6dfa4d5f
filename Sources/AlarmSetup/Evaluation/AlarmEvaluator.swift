/// Applies a metric alarm's rule to synthetic data the way CloudWatch does, so tests can show that
/// each rendered alarm fires exactly when it should.
///
/// For the evaluation at time `end`, the alarm's N most recent periods are `[end − N·P, end)` in
/// steps of P. Each period's value is the alarm's statistic over the samples it sees (its `Unit`
/// filters them), or, for math alarms, the returned expression over the queries' values. Then:
/// - `notBreaching` / `breaching`: a period without a value counts as within / beyond the threshold;
/// - `missing`: periods without a value are left out; if none has one, INSUFFICIENT_DATA;
/// - `ignore`: as `missing`, except that no value at all keeps the current state.
/// The state is ALARM when at least M (`DatapointsToAlarm`) periods breach, else OK.
///
/// Simplification, stated: with `missing`, CloudWatch may look further back than N periods to find
/// enough data points; this evaluator looks at exactly N. Only `missing` alarms (CPU, memory) are affected.
struct AlarmEvaluator: Sendable {
    let data: MetricData

    /// The outcome of one evaluation.
    struct Evaluation: Sendable, Hashable {
        let state: AlarmState
        /// Each period's value, oldest first; `nil` where the period has none.
        let datapoints: [Double?]
        let breachingCount: Int
    }

    /// Evaluates `alarm` over the N periods that end at `end`.
    ///
    /// - Parameter current: the state before this evaluation (matters only for `ignore`).
    /// - Throws: ``MetricMathError`` when a math alarm's expression cannot be read.
    func evaluate(_ alarm: MetricAlarmDefinition, at end: Double, current: AlarmState = .ok) throws -> Evaluation {
        let period = Double(alarm.evaluationPeriodSeconds)
        let starts = (0..<alarm.evaluationPeriods).map { end - Double(alarm.evaluationPeriods - $0) * period }
        let datapoints = try starts.map { try value(of: alarm, from: $0, to: $0 + period) }
        let present = datapoints.compactMap { $0 }
        let breaching: Int
        switch alarm.treatMissingData {
        case .notBreaching, .breaching:
            let missingBreaches = alarm.treatMissingData == .breaching
            breaching = datapoints.filter { point in
                point.map { alarm.comparisonOperator.breaches($0, threshold: alarm.threshold) } ?? missingBreaches
            }.count
        case .missing, .ignore:
            if present.isEmpty {
                let state = alarm.treatMissingData == .ignore ? current : .insufficientData
                return Evaluation(state: state, datapoints: datapoints, breachingCount: 0)
            }
            breaching = present.filter { alarm.comparisonOperator.breaches($0, threshold: alarm.threshold) }.count
        }
        let state: AlarmState = breaching >= alarm.datapointsToAlarm ? .alarm : .ok
        return Evaluation(state: state, datapoints: datapoints, breachingCount: breaching)
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
