import Foundation

/// Checks a dashboard body against the structure and limits CloudWatch accepts (``DashboardLimits``).
///
/// Works on the JSON document itself, so it checks what is committed and what PutDashboard receives.
enum DashboardValidator {
    /// Every problem found; empty when CloudWatch would accept the body.
    static func problems(name: String, body: JSONValue) -> [String] {
        var problems: [String] = []
        let nameOK = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        if name.isEmpty || name.count > DashboardLimits.maximumNameLength || !nameOK {
            problems.append("dashboard name '\(name)' must be 1–255 letters, digits, '-' or '_'")
        }
        if let bytes = try? body.encoded(pretty: false).count, bytes > DashboardLimits.maximumBodyBytes {
            problems.append("body is \(bytes) bytes, over \(DashboardLimits.maximumBodyBytes)")
        }
        guard let widgets = body["widgets"]?.arrayValue else {
            return problems + ["body has no 'widgets' array"]
        }
        if widgets.count > DashboardLimits.maximumWidgets {
            problems.append("\(widgets.count) widgets, over \(DashboardLimits.maximumWidgets)")
        }
        var totalMetrics = 0
        var occupied: [[Int]: Int] = [:]
        for (index, widget) in widgets.enumerated() {
            let label = "widget \(index)"
            problems += gridProblems(widget, label: label, occupied: &occupied, index: index)
            guard let type = widget["type"]?.stringValue, let kind = DashboardWidget.Kind(rawValue: type) else {
                problems.append("\(label): unknown type \(widget["type"].map { "\($0)" } ?? "(none)")")
                continue
            }
            guard let properties = widget["properties"] else {
                problems.append("\(label): no properties")
                continue
            }
            switch kind {
            case .metric:
                let (count, found) = metricProblems(properties, label: label)
                totalMetrics += count
                problems += found
            case .log:
                if properties["query"]?.stringValue?.hasPrefix("SOURCE '") != true {
                    problems.append("\(label): a log widget needs a query starting with SOURCE '<log group>'")
                }
                if properties["region"]?.stringValue == nil { problems.append("\(label): no region") }
            case .alarm:
                let alarms = properties["alarms"]?.arrayValue ?? []
                if alarms.isEmpty || alarms.count > DashboardLimits.maximumAlarmsPerAlarmWidget
                    || !alarms.allSatisfy({ $0.stringValue?.hasPrefix("arn:") == true })
                {
                    problems.append("\(label): an alarm widget needs 1–100 alarm ARNs")
                }
            case .text:
                if properties["markdown"]?.stringValue == nil { problems.append("\(label): no markdown") }
            }
        }
        if totalMetrics > DashboardLimits.maximumMetricsPerDashboard {
            problems.append("\(totalMetrics) metrics, over \(DashboardLimits.maximumMetricsPerDashboard)")
        }
        return problems
    }

    private static func gridProblems(
        _ widget: JSONValue, label: String, occupied: inout [[Int]: Int], index: Int
    ) -> [String] {
        let numbers = ["x", "y", "width", "height"].map { widget[$0]?.numberValue }
        guard let x = numbers[0], let y = numbers[1], let width = numbers[2], let height = numbers[3],
            [x, y, width, height].allSatisfy({ $0 == $0.rounded() })
        else { return ["\(label): x, y, width and height must be whole numbers"] }
        var problems: [String] = []
        let columns = Double(DashboardLimits.gridColumns)
        if width < 1 || width > columns { problems.append("\(label): width \(Int(width)) is outside 1–24") }
        if height < 1 || height > Double(DashboardLimits.maximumHeight) {
            problems.append("\(label): height \(Int(height)) is outside 1–1000")
        }
        if x < 0 || y < 0 || x + width > columns { problems.append("\(label): does not fit the 24-column grid") }
        guard problems.isEmpty else { return problems }
        for column in Int(x)..<Int(x + width) {
            for row in Int(y)..<Int(y + height) {
                if let other = occupied.updateValue(index, forKey: [column, row]), other != index {
                    return ["\(label): overlaps widget \(other)"]
                }
            }
        }
        return []
    }

    /// Counts the metrics of one metric widget and checks each row's shape.
    private static func metricProblems(_ properties: JSONValue, label: String) -> (Int, [String]) {
        var problems: [String] = []
        if properties["region"]?.stringValue == nil { problems.append("\(label): no region") }
        guard let rows = properties["metrics"]?.arrayValue, !rows.isEmpty else {
            return (0, problems + ["\(label): a metric widget needs a non-empty 'metrics' array"])
        }
        for (index, row) in rows.enumerated() {
            if let problem = rowProblem(row) { problems.append("\(label) metric \(index): \(problem)") }
        }
        if rows.count > DashboardLimits.maximumMetricsPerWidget {
            problems.append("\(label): \(rows.count) metrics, over \(DashboardLimits.maximumMetricsPerWidget)")
        }
        for annotation in properties["annotations"]?["horizontal"]?.arrayValue ?? []
        where annotation["value"]?.numberValue == nil {
            problems.append("\(label): a horizontal annotation needs a numeric value")
        }
        return (rows.count, problems)
    }

    private static func rowProblem(_ row: JSONValue) -> String? {
        guard var items = row.arrayValue, !items.isEmpty else { return "a row must be a non-empty array" }
        if case .object(let options) = items.last {
            items.removeLast()
            if let stat = options["stat"]?.stringValue, AlarmStatistic(name: stat) == nil {
                return "unknown statistic \(stat)"
            }
            if items.isEmpty {
                return options["expression"]?.stringValue == nil || options["id"]?.stringValue == nil
                    ? "an expression row needs 'expression' and 'id'" : nil
            }
        }
        guard items.allSatisfy({ $0.stringValue != nil }) else { return "namespace, name and dimensions must be strings" }
        guard items.count >= 2, items.count % 2 == 0 else {
            return "a row is [namespace, name, (dimension name, value)…]"
        }
        return items.count / 2 - 1 > 30 ? "more than 30 dimensions" : nil
    }
}
