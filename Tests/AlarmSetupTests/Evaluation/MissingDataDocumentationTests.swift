import Telemetry
import Testing

@testable import AlarmSetup

/// The evaluator against the cases AWS documents, not only against our own reading of the rules.
///
/// Source: Amazon CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data",
/// section "How alarm state is evaluated when data is missing"
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data).
/// Its two tables give, for the five most recent data points CloudWatch retrieves (oldest first;
/// `0` within the threshold, `X` breaching, `-` missing), the state each `TreatMissingData`
/// setting leads to: first for an alarm with 3 evaluation periods and 3 data points to alarm,
/// then for a 2-of-3 alarm. The rows are transcribed below as they appear there; "retain current
/// state" (ignore) is checked from both OK and ALARM.
@Suite("Alarm evaluation: the CloudWatch user guide's missing-data tables")
struct MissingDataDocumentationTests {
    /// What a row of the guide says for one setting.
    enum Expected: Sendable {
        case state(AlarmState)
        case retained
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let points: String
        let missing: Expected
        let ignore: Expected
        let breaching: Expected
        let notBreaching: Expected
        var testDescription: String { points }
    }

    /// The guide's first table: Evaluation Periods 3, Datapoints to Alarm 3.
    static let threeOfThree: [Row] = [
        Row(points: "0 - X - X", missing: .state(.ok), ignore: .state(.ok), breaching: .state(.ok), notBreaching: .state(.ok)),
        Row(points: "0 - - - -", missing: .state(.ok), ignore: .state(.ok), breaching: .state(.ok), notBreaching: .state(.ok)),
        Row(points: "- - - - -", missing: .state(.insufficientData), ignore: .retained, breaching: .state(.alarm), notBreaching: .state(.ok)),
        Row(points: "0 X X - X", missing: .state(.alarm), ignore: .state(.alarm), breaching: .state(.alarm), notBreaching: .state(.alarm)),
        Row(points: "- - - - X", missing: .state(.insufficientData), ignore: .retained, breaching: .state(.alarm), notBreaching: .state(.ok)),
        Row(points: "X - - - -", missing: .state(.alarm), ignore: .retained, breaching: .state(.alarm), notBreaching: .state(.ok)),
    ]

    /// The guide's second table: a 2-of-3 alarm (Datapoints to Alarm 2, Evaluation Periods 3).
    static let twoOfThree: [Row] = [
        Row(points: "0 - X - X", missing: .state(.alarm), ignore: .state(.alarm), breaching: .state(.alarm), notBreaching: .state(.alarm)),
        Row(points: "0 0 X 0 X", missing: .state(.alarm), ignore: .state(.alarm), breaching: .state(.alarm), notBreaching: .state(.alarm)),
        Row(points: "0 - X - -", missing: .state(.ok), ignore: .state(.ok), breaching: .state(.alarm), notBreaching: .state(.ok)),
        Row(points: "- - - - 0", missing: .state(.ok), ignore: .state(.ok), breaching: .state(.alarm), notBreaching: .state(.ok)),
        Row(points: "- - - - X", missing: .state(.insufficientData), ignore: .retained, breaching: .state(.alarm), notBreaching: .state(.ok)),
    ]

    /// The evaluation time: a multiple of the period, far from zero.
    static let now = 3_600.0 * 1_000
    static let period = 300

    /// A `Maximum > 100` alarm over 5-minute periods, N of 3 with M `needed`, treating missing data as `treatment`.
    static func alarm(needed: Int, treatment: MissingDataTreatment) throws -> MetricAlarmDefinition {
        var alarm = try #require(try Fixtures.definitions().metricAlarm(.jobLatencyMax))
        alarm.period = period
        alarm.statistic = .maximum
        alarm.evaluationPeriods = 3
        alarm.datapointsToAlarm = needed
        alarm.threshold = 100
        alarm.comparisonOperator = .greaterThanThreshold
        alarm.treatMissingData = treatment
        return alarm
    }

    /// The row's five data points, oldest first, as one sample per period (50 within, 150 beyond).
    static func data(_ points: String, metric: MetricReference) -> MetricData {
        var data = MetricData()
        for (index, point) in points.split(separator: " ").enumerated() where point != "-" {
            let start = now - Double((5 - index) * period)
            data.add(metric, at: start + 30, value: point == "X" ? 150 : 50)
        }
        return data
    }

    func check(_ row: Row, needed: Int) throws {
        let settings: [(MissingDataTreatment, Expected)] = [
            (.missing, row.missing), (.ignore, row.ignore), (.breaching, row.breaching), (.notBreaching, row.notBreaching),
        ]
        for (treatment, expected) in settings {
            let alarm = try Self.alarm(needed: needed, treatment: treatment)
            let evaluator = AlarmEvaluator(data: Self.data(row.points, metric: try #require(alarm.metric)))
            for current in [AlarmState.ok, .alarm] {
                let state = try evaluator.evaluate(alarm, at: Self.now, current: current, evaluationRange: 5).state
                switch expected {
                case .state(let wanted): #expect(state == wanted, "\(row.points), \(treatment), from \(current)")
                case .retained: #expect(state == current, "\(row.points), \(treatment): keeps \(current)")
                }
            }
        }
    }

    @Test("3 of 3: each row of the guide's first table, for every TreatMissingData", arguments: threeOfThree)
    func firstTable(row: Row) throws {
        try check(row, needed: 3)
    }

    @Test("2 of 3: each row of the guide's second table, for every TreatMissingData", arguments: twoOfThree)
    func secondTable(row: Row) throws {
        try check(row, needed: 2)
    }
}
