import Foundation

/// Where an SLO stands at one moment: attainment over its window, the error budget left, burn
/// rates over the workbook's windows, when the budget runs out at the 6-hour rate, the budget
/// burn-down per day, and what spent the budget. `rag-worker slo` prints it; the report's SLO
/// section draws it.
public struct SLOStatus: Sendable, Codable, Equatable {
    /// Good and total events over one look-back window ending at the status's time.
    public struct Burn: Sendable, Codable, Equatable {
        /// `1h`, `6h`, `3d`.
        public var window: String
        public var seconds: Int
        public var good: Double
        public var total: Double
        /// `(bad / total) / (1 − target)`; nil without events.
        public var burnRate: Double?
    }

    /// One day of the window (oldest first): its events and the budget left at its end.
    public struct Day: Sendable, Codable, Equatable {
        public var end: Date
        public var good: Double
        public var total: Double
        /// Budget left at the day's end, as a share of the budget of the events counted so far
        /// (negative once overspent); nil before the first event.
        public var budgetLeftShare: Double?
    }

    /// Events that spent (or were kept out of) the budget, by cause.
    public struct Cause: Sendable, Codable, Equatable {
        /// `bad` or `excluded`.
        public var outcome: String
        /// `late`, `undelivered`, `dead_letter`, a failure code, or an intake answer's code.
        public var cause: String
        public var count: Int
        /// A few of the jobs, for `rag-worker postmortem --job`.
        public var exampleJobs: [String]
    }

    public var name: String
    public var displayName: String
    /// `active` or `pending`.
    public var status: String
    public var target: Double
    public var windowSeconds: Int
    public var good: Double
    public var total: Double
    /// `good / total` over the window; nil without events.
    public var attainment: Double?
    /// `(1 − target) × total`: how many bad events the window's events allow.
    public var budgetEvents: Double
    public var budgetLeftEvents: Double
    /// `budgetLeftEvents / budgetEvents`; nil without events.
    public var budgetLeftShare: Double?
    public var burns: [Burn]
    /// At the 6-hour burn rate (and the window's traffic), seconds until the budget is gone: nil
    /// when nothing burns; 0 when it is gone already.
    public var exhaustionSeconds: Double?
    public var days: [Day]
    public var causes: [Cause]
    public var notes: [String]

    public var bad: Double { total - good }
}

/// What `rag-worker slo` prints and the report's SLO section shows: every SLO of the file.
public struct SLOSummary: Sendable, Codable, Equatable {
    public var end: Date
    /// `ring-buffer` or `cloudwatch`.
    public var source: String
    public var file: String
    public var objectives: [SLOStatus]
}

/// Good and total counts of one interval (a ring-buffer metric interval, a CloudWatch bucket).
public struct SLOSample: Sendable, Equatable {
    /// The interval's end.
    public var end: Date
    public var good: Double
    public var total: Double

    public init(end: Date, good: Double, total: Double) {
        self.end = end
        self.good = good
        self.total = total
    }
}

extension SLOStatus {
    /// The workbook's burn-rate windows `rag-worker slo` reports.
    public static let burnWindows: [Int] = [3_600, 21_600, 259_200]

    /// The status of `objective` at `end` from the samples of its window (older ones are ignored).
    public static func compute(
        _ objective: ServiceLevelObjective, samples: [SLOSample], end: Date, causes: [Cause] = [], notes: [String] = []
    ) -> SLOStatus {
        let budget = objective.errorBudget
        func sums(_ seconds: Int) -> (good: Double, total: Double) {
            let start = end.addingTimeInterval(-Double(seconds))
            return samples.filter { $0.end > start && $0.end <= end }.reduce((0, 0)) { ($0.0 + $1.good, $0.1 + $1.total) }
        }
        func burnRate(_ good: Double, _ total: Double) -> Double? {
            total > 0 ? ((total - good) / total) / budget : nil
        }
        let window = sums(objective.windowSeconds)
        let budgetEvents = budget * window.total
        let left = budgetEvents - (window.total - window.good)
        let burns = burnWindows.map { seconds -> Burn in
            let values = sums(seconds)
            return Burn(window: SLODuration.text(seconds), seconds: seconds, good: values.good, total: values.total,
                        burnRate: burnRate(values.good, values.total))
        }
        let leftShare = budgetEvents > 0 ? left / budgetEvents : (window.total > 0 ? (left < 0 ? -1 : 0) : nil)
        var exhaustion: Double?
        if let share = leftShare {
            if share <= 0 {
                exhaustion = 0
            } else if let rate = burns.first(where: { $0.seconds == 21_600 })?.burnRate, rate > 0 {
                exhaustion = share * Double(objective.windowSeconds) / rate
            }
        }
        return SLOStatus(
            name: objective.name, displayName: objective.displayName, status: objective.status.rawValue,
            target: objective.target, windowSeconds: objective.windowSeconds, good: window.good, total: window.total,
            attainment: window.total > 0 ? window.good / window.total : nil,
            budgetEvents: budgetEvents, budgetLeftEvents: left, budgetLeftShare: leftShare,
            burns: burns, exhaustionSeconds: exhaustion, days: days(objective, samples: samples, end: end),
            causes: causes, notes: notes)
    }

    /// Day by day over the window (the last day ends at `end`), with the budget left at each day's end.
    private static func days(_ objective: ServiceLevelObjective, samples: [SLOSample], end: Date) -> [Day] {
        let count = max(1, objective.windowSeconds / 86_400)
        var good = 0.0
        var total = 0.0
        return (0..<count).map { index in
            let dayEnd = end.addingTimeInterval(-Double((count - 1 - index) * 86_400))
            let dayStart = dayEnd.addingTimeInterval(-86_400)
            let day = samples.filter { $0.end > dayStart && $0.end <= dayEnd }
            let dayGood = day.reduce(0) { $0 + $1.good }
            let dayTotal = day.reduce(0) { $0 + $1.total }
            good += dayGood
            total += dayTotal
            let budget = objective.errorBudget * total
            return Day(end: dayEnd, good: dayGood, total: dayTotal,
                       budgetLeftShare: total > 0 && budget > 0 ? (budget - (total - good)) / budget : nil)
        }
    }
}
