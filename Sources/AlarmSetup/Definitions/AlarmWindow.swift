/// How an alarm reads its metric over time: period length and "M out of N" periods.
struct AlarmWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Seconds per data point: 10, 20, 30 or a multiple of 60.
    var period: Int
    /// N: how many of the most recent periods the alarm looks at.
    var evaluationPeriods: Int
    /// M: how many of those must breach.
    var datapointsToAlarm: Int

    init(period: Int, evaluationPeriods: Int = 1, datapointsToAlarm: Int? = nil) {
        self.period = period
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm ?? evaluationPeriods
    }

    var description: String { "\(datapointsToAlarm) of \(evaluationPeriods) × \(period) s" }

    /// Problems PutMetricAlarm would refuse, described for an operator; empty when valid.
    ///
    /// Limits from the PutMetricAlarm reference: period 10, 20, 30 or a multiple of 60; the whole
    /// evaluation range at most one day for periods under an hour, seven days otherwise.
    func problems(for name: String) -> [String] {
        var problems: [String] = []
        if ![10, 20, 30].contains(period) && (period <= 0 || period % 60 != 0) {
            problems.append("\(name): period \(period) s must be 10, 20, 30 or a multiple of 60")
        }
        if period > 86_400 {
            problems.append("\(name): period \(period) s is longer than one day")
        }
        if evaluationPeriods < 1 {
            problems.append("\(name): evaluation periods must be at least 1")
        }
        if datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods {
            problems.append("\(name): datapoints to alarm (\(datapointsToAlarm)) must be 1…\(evaluationPeriods)")
        }
        let range = period * evaluationPeriods
        let limit = period < 3_600 ? 86_400 : 604_800
        if range > limit {
            problems.append("\(name): \(evaluationPeriods) periods of \(period) s exceed the \(limit) s evaluation range")
        }
        return problems
    }
}

extension Double {
    /// `120` for whole numbers, `2.5` otherwise: thresholds as people write them.
    var compactText: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
