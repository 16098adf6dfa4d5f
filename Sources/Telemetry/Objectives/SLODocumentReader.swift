import Foundation

/// Reads one `kind: SLO` document of the SLO file, field by field. Every field outside the
/// subset (docs/observability.md#slo-file) and every value alarm-setup or the worker could not
/// use is an ``SLOFileError`` naming the file, the SLO and the field's path.
struct SLODocumentReader {
    let file: String
    let document: Int
    /// Known once `metadata.name` is read; named in every later error.
    private(set) var slo: String?

    init(file: String, document: Int) {
        self.file = file
        self.document = document
    }

    /// CloudWatch's longest alarm period: a look-back window must fit in one period.
    static let longestLookbackSeconds = 86_400

    mutating func read(_ root: SLOYAML) throws(SLOFileError) -> ServiceLevelObjective {
        let top = try mapping(root, at: "")
        // The name first, so every other error can name the SLO.
        let metadata = try mapping(try top.required("metadata", self), at: "metadata")
        let name = try string(try metadata.required("name", self), at: "metadata.name")
        guard Self.isLabel(name) else {
            throw fail("metadata.name", metadata.value("name")?.line,
                       "'\(name)' must be 1–40 lowercase letters, digits or '-', starting with a letter")
        }
        slo = name
        try top.rejectUnknown(["apiVersion", "kind", "metadata", "spec"], reader: self)
        let apiVersion = try string(try top.required("apiVersion", self), at: "apiVersion")
        guard apiVersion == "openslo/v1" else { throw fail("apiVersion", top.value("apiVersion")?.line, "'\(apiVersion)' is not openslo/v1") }
        let kind = try string(try top.required("kind", self), at: "kind")
        guard kind == "SLO" else { throw fail("kind", top.value("kind")?.line, "'\(kind)' is not SLO (the file holds SLO documents only)") }

        try metadata.rejectUnknown(["name", "displayName", "annotations"], reader: self)
        let displayName = try metadata.value("displayName").map { (node) throws(SLOFileError) in try string(node, at: "metadata.displayName") } ?? name
        let annotations = try readAnnotations(metadata.value("annotations"))
        let status: ServiceLevelObjective.Status = annotations[ServiceLevelObjective.Annotation.status] == "pending" ? .pending : .active

        let spec = try mapping(try top.required("spec", self), at: "spec")
        try spec.rejectUnknown(
            ["description", "service", "indicator", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"], reader: self)
        let summary = try spec.value("description").map { (node) throws(SLOFileError) in try string(node, at: "spec.description") } ?? ""
        _ = try string(try spec.required("service", self), at: "spec.service")
        let method = try string(try spec.required("budgetingMethod", self), at: "spec.budgetingMethod")
        guard method == "Occurrences" else {
            throw fail("spec.budgetingMethod", spec.value("budgetingMethod")?.line, "'\(method)' is not supported (only Occurrences: good and total counts)")
        }
        let (good, total) = try readIndicator(try spec.required("indicator", self), status: status)
        let window = try readWindow(try spec.required("timeWindow", self))
        let target = try readTarget(try spec.required("objectives", self))
        try checkAnnotations(annotations, status: status)
        var objective = ServiceLevelObjective(
            name: name, displayName: displayName, summary: summary, status: status, goodMetricName: good,
            totalMetricName: total, windowSeconds: window, target: target, annotations: annotations)
        if let policies = spec.value("alertPolicies") {
            objective.tiers = try readPolicies(policies, target: target, window: window)
        }
        return objective
    }

    // MARK: Sections

    private func readAnnotations(_ value: SLOYAML?) throws(SLOFileError) -> [String: String] {
        // `annotations:` with nothing under it (a null scalar) holds no annotation.
        guard let value, !value.isNull else { return [:] }
        let fields = try mapping(value, at: "metadata.annotations")
        var annotations: [String: String] = [:]
        for (key, entry) in fields.pairs {
            let path = "metadata.annotations.\(key)"
            if key.hasPrefix("rag-worker/"), !ServiceLevelObjective.Annotation.all.contains(key) {
                throw fail(path, entry.line, "unknown rag-worker annotation")
            }
            annotations[key] = try string(entry, at: path)
        }
        return annotations
    }

    private func checkAnnotations(_ annotations: [String: String], status: ServiceLevelObjective.Status) throws(SLOFileError) {
        typealias Annotation = ServiceLevelObjective.Annotation
        let base = "metadata.annotations."
        if let value = annotations[Annotation.status], value != "pending" {
            throw fail(base + Annotation.status, nil, "'\(value)' is not 'pending' (leave the annotation out for an active SLO)")
        }
        if let value = annotations[Annotation.goodWithinSeconds] {
            guard let seconds = Double(value), seconds.isFinite, seconds > 0, seconds <= 3_600 else {
                throw fail(base + Annotation.goodWithinSeconds, nil, "'\(value)' is not a number of seconds in (0, 3600]")
            }
        }
        if let value = annotations[Annotation.groundednessAtLeast] {
            guard let share = Double(value), share > 0, share <= 1 else {
                throw fail(base + Annotation.groundednessAtLeast, nil, "'\(value)' is not a share in (0, 1]")
            }
        }
    }

    private func readIndicator(_ value: SLOYAML, status: ServiceLevelObjective.Status) throws(SLOFileError) -> (String, String) {
        let indicator = try mapping(value, at: "spec.indicator")
        try indicator.rejectUnknown(["metadata", "spec"], reader: self)
        if let metadata = indicator.value("metadata") {
            let fields = try mapping(metadata, at: "spec.indicator.metadata")
            try fields.rejectUnknown(["name", "displayName"], reader: self)
        }
        let spec = try mapping(try indicator.required("spec", self), at: "spec.indicator.spec")
        try spec.rejectUnknown(["ratioMetric"], reader: self)
        let ratio = try mapping(try spec.required("ratioMetric", self), at: "spec.indicator.spec.ratioMetric")
        try ratio.rejectUnknown(["counter", "good", "total"], reader: self)
        let counter = try string(try ratio.required("counter", self), at: "spec.indicator.spec.ratioMetric.counter")
        guard counter == "true" else {
            throw fail("spec.indicator.spec.ratioMetric.counter", ratio.value("counter")?.line, "must be true (good and total are counters)")
        }
        let good = try readMetric(try ratio.required("good", self), at: "spec.indicator.spec.ratioMetric.good", status: status)
        let total = try readMetric(try ratio.required("total", self), at: "spec.indicator.spec.ratioMetric.total", status: status)
        guard good != total else {
            throw fail("spec.indicator.spec.ratioMetric.total", ratio.value("total")?.line, "names the same metric as good")
        }
        return (good, total)
    }

    private func readMetric(_ value: SLOYAML, at path: String, status: ServiceLevelObjective.Status) throws(SLOFileError) -> String {
        let fields = try mapping(value, at: path)
        try fields.rejectUnknown(["metricSource"], reader: self)
        let source = try mapping(try fields.required("metricSource", self), at: "\(path).metricSource")
        try source.rejectUnknown(["type", "spec"], reader: self)
        let type = try string(try source.required("type", self), at: "\(path).metricSource.type")
        guard type == "CloudWatch" else {
            throw fail("\(path).metricSource.type", source.value("type")?.line, "'\(type)' is not CloudWatch")
        }
        let spec = try mapping(try source.required("spec", self), at: "\(path).metricSource.spec")
        try spec.rejectUnknown(["metricName"], reader: self)
        let fieldPath = "\(path).metricSource.spec.metricName"
        let name = try string(try spec.required("metricName", self), at: fieldPath)
        if status == .active {
            guard let definition = MetricCatalogue.definition(named: name) else {
                throw fail(fieldPath, spec.value("metricName")?.line, "'\(name)' is not in the metric catalogue")
            }
            guard definition.kind == .counter, definition.dimensions.isEmpty else {
                throw fail(fieldPath, spec.value("metricName")?.line, "'\(name)' is not a counter without dimensions beyond EndpointName")
            }
        } else if name.isEmpty || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw fail(fieldPath, spec.value("metricName")?.line, "'\(name)' is not a metric name")
        }
        return name
    }

    private func readWindow(_ value: SLOYAML) throws(SLOFileError) -> Int {
        let entries = try sequence(value, at: "spec.timeWindow")
        guard entries.count == 1 else { throw fail("spec.timeWindow", value.line, "must hold exactly one window, found \(entries.count)") }
        let window = try mapping(entries[0], at: "spec.timeWindow[0]")
        try window.rejectUnknown(["duration", "isRolling"], reader: self)
        let rolling = try string(try window.required("isRolling", self), at: "spec.timeWindow[0].isRolling")
        guard rolling == "true" else {
            throw fail("spec.timeWindow[0].isRolling", window.value("isRolling")?.line, "must be true (calendar windows are not supported)")
        }
        let path = "spec.timeWindow[0].duration"
        let text = try string(try window.required("duration", self), at: path)
        guard let seconds = SLODuration.seconds(text), seconds % 86_400 == 0, (1...90).contains(seconds / 86_400) else {
            throw fail(path, window.value("duration")?.line, "'\(text)' is not a whole number of days from 1d to 90d (e.g. 28d, 4w)")
        }
        return seconds
    }

    private func readTarget(_ value: SLOYAML) throws(SLOFileError) -> Double {
        let entries = try sequence(value, at: "spec.objectives")
        guard entries.count == 1 else { throw fail("spec.objectives", value.line, "must hold exactly one objective, found \(entries.count)") }
        let objective = try mapping(entries[0], at: "spec.objectives[0]")
        try objective.rejectUnknown(["displayName", "target"], reader: self)
        let path = "spec.objectives[0].target"
        let text = try string(try objective.required("target", self), at: path)
        guard let target = Double(text), target > 0, target < 1 else {
            throw fail(path, objective.value("target")?.line, "'\(text)' is outside (0, 1)")
        }
        return target
    }

    private func readPolicies(_ value: SLOYAML, target: Double, window: Int) throws(SLOFileError) -> [BurnRateTier] {
        var tiers: [BurnRateTier] = []
        for (index, entry) in try sequence(value, at: "spec.alertPolicies").enumerated() {
            let path = "spec.alertPolicies[\(index)]"
            let policy = try mapping(entry, at: path)
            try policy.rejectUnknown(["kind", "metadata", "spec"], reader: self)
            let kind = try string(try policy.required("kind", self), at: "\(path).kind")
            guard kind == "AlertPolicy" else { throw fail("\(path).kind", policy.value("kind")?.line, "'\(kind)' is not AlertPolicy") }
            let metadata = try mapping(try policy.required("metadata", self), at: "\(path).metadata")
            try metadata.rejectUnknown(["name", "displayName"], reader: self)
            let name = try string(try metadata.required("name", self), at: "\(path).metadata.name")
            guard Self.isLabel(name) else {
                throw fail("\(path).metadata.name", metadata.value("name")?.line, "'\(name)' must be 1–40 lowercase letters, digits or '-'")
            }
            guard !tiers.contains(where: { $0.name == name }) else {
                throw fail("\(path).metadata.name", metadata.value("name")?.line, "'\(name)' names two alert policies")
            }
            let spec = try mapping(try policy.required("spec", self), at: "\(path).spec")
            try spec.rejectUnknown(["description", "conditions"], reader: self)
            let summary = try spec.value("description").map { (node) throws(SLOFileError) in try string(node, at: "\(path).spec.description") } ?? ""
            let conditions = try sequence(try spec.required("conditions", self), at: "\(path).spec.conditions")
            guard conditions.count == 1 else {
                throw fail("\(path).spec.conditions", spec.value("conditions")?.line, "must hold exactly one condition, found \(conditions.count)")
            }
            var tier = try readCondition(conditions[0], at: "\(path).spec.conditions[0]", name: name, target: target, window: window)
            tier.summary = summary
            tiers.append(tier)
        }
        return tiers
    }

    private func readCondition(_ value: SLOYAML, at path: String, name: String, target: Double, window: Int) throws(SLOFileError) -> BurnRateTier {
        let entry = try mapping(value, at: path)
        try entry.rejectUnknown(["kind", "metadata", "spec"], reader: self)
        let kind = try string(try entry.required("kind", self), at: "\(path).kind")
        guard kind == "AlertCondition" else { throw fail("\(path).kind", entry.value("kind")?.line, "'\(kind)' is not AlertCondition") }
        if let metadata = entry.value("metadata") {
            try mapping(metadata, at: "\(path).metadata").rejectUnknown(["name", "displayName"], reader: self)
        }
        let spec = try mapping(try entry.required("spec", self), at: "\(path).spec")
        try spec.rejectUnknown(["description", "severity", "condition"], reader: self)
        let severityText = try string(try spec.required("severity", self), at: "\(path).spec.severity")
        guard let severity = BurnRateTier.Severity(rawValue: severityText) else {
            throw fail("\(path).spec.severity", spec.value("severity")?.line, "'\(severityText)' is not page or ticket")
        }
        let conditionPath = "\(path).spec.condition"
        let condition = try mapping(try spec.required("condition", self), at: conditionPath)
        try condition.rejectUnknown(["kind", "op", "threshold", "lookbackWindow"], reader: self)
        let conditionKind = try string(try condition.required("kind", self), at: "\(conditionPath).kind")
        guard conditionKind == "burnrate" else {
            throw fail("\(conditionPath).kind", condition.value("kind")?.line, "'\(conditionKind)' is not burnrate")
        }
        let op = try string(try condition.required("op", self), at: "\(conditionPath).op")
        guard op == "gte" else { throw fail("\(conditionPath).op", condition.value("op")?.line, "'\(op)' is not gte") }
        let thresholdText = try string(try condition.required("threshold", self), at: "\(conditionPath).threshold")
        guard let burnRate = Double(thresholdText), burnRate.isFinite, burnRate > 0 else {
            throw fail("\(conditionPath).threshold", condition.value("threshold")?.line, "'\(thresholdText)' is not a positive burn rate")
        }
        guard burnRate * (1 - target) < 1 else {
            throw fail("\(conditionPath).threshold", condition.value("threshold")?.line,
                       "burn rate \(thresholdText) × budget \(SLONumber.plain(1 - target, digits: 6)) is 100 % errors or more: the alarm could never fire")
        }
        let windowPath = "\(conditionPath).lookbackWindow"
        let windowText = try string(try condition.required("lookbackWindow", self), at: windowPath)
        let line = condition.value("lookbackWindow")?.line
        guard let long = SLODuration.seconds(windowText) else {
            throw fail(windowPath, line, "'\(windowText)' is not a duration (e.g. 5m, 1h, 1d)")
        }
        if let problem = Self.lookbackProblem(long, sloWindow: window) {
            throw fail(windowPath, line, "'\(windowText)' \(problem)")
        }
        return BurnRateTier(name: name, severity: severity, burnRate: burnRate, longWindowSeconds: long)
    }

    /// Why CloudWatch alarms cannot express a look-back window of `seconds` (and its short window
    /// of 1/12), or nil when they can: each is one alarm period, which is 10, 20, 30 or a multiple
    /// of 60 seconds and at most one day.
    static func lookbackProblem(_ seconds: Int, sloWindow: Int) -> String? {
        func isPeriod(_ value: Int) -> Bool { [10, 20, 30].contains(value) || (value > 0 && value % 60 == 0) }
        if seconds > longestLookbackSeconds {
            return "is longer than one day, CloudWatch's longest alarm period"
        }
        if seconds >= sloWindow {
            return "is not shorter than the SLO's window"
        }
        guard isPeriod(seconds) else { return "is not an alarm period (10 s, 20 s, 30 s or whole minutes)" }
        guard seconds % 12 == 0, isPeriod(seconds / 12) else {
            return "has no short window CloudWatch can use (1/12 of it must be 10 s, 20 s, 30 s or whole minutes)"
        }
        return nil
    }

    static func isLabel(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, name.count <= 40, name.last != "-" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    // MARK: Typed access

    func fail(_ field: String?, _ line: Int?, _ problem: String) -> SLOFileError {
        SLOFileError(file: file, slo: slo, document: document, field: field, line: line, problem: problem)
    }

    private func mapping(_ value: SLOYAML, at path: String) throws(SLOFileError) -> SLOFields {
        guard case .mapping(let pairs, let line) = value else {
            throw fail(path.isEmpty ? nil : path, value.line, "expected a mapping, found \(value.kindName)")
        }
        return SLOFields(path: path, pairs: pairs, line: line)
    }

    private func sequence(_ value: SLOYAML, at path: String) throws(SLOFileError) -> [SLOYAML] {
        guard case .sequence(let items, _) = value else { throw fail(path, value.line, "expected a list, found \(value.kindName)") }
        return items
    }

    private func string(_ value: SLOYAML, at path: String) throws(SLOFileError) -> String {
        guard case .scalar(let text, _) = value else { throw fail(path, value.line, "expected a value, found \(value.kindName)") }
        return text
    }
}

/// One YAML mapping of the SLO file with its path, for required and unknown keys.
struct SLOFields {
    let path: String
    let pairs: [(key: String, value: SLOYAML)]
    let line: Int?

    func value(_ key: String) -> SLOYAML? { pairs.first { $0.key == key }?.value }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func required(_ key: String, _ reader: SLODocumentReader) throws(SLOFileError) -> SLOYAML {
        guard let value = value(key) else { throw reader.fail(fieldPath(key), line, "missing") }
        return value
    }

    func rejectUnknown(_ allowed: Set<String>, reader: SLODocumentReader) throws(SLOFileError) {
        if let unknown = pairs.first(where: { !allowed.contains($0.key) }) {
            throw reader.fail(fieldPath(unknown.key), unknown.value.line, "unknown field (the SLO file's subset of OpenSLO has no such field)")
        }
    }
}

/// OpenSLO durations: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`5m`, `28d`).
public enum SLODuration {
    public static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0, text.dropLast().allSatisfy(\.isNumber) else { return nil }
        let scale: Int? = switch unit {
        case "s": 1
        case "m": 60
        case "h": 3_600
        case "d": 86_400
        case "w": 604_800
        default: nil
        }
        guard let scale, count <= Int.max / scale else { return nil }
        return count * scale
    }

    /// `1h`, `30m`, `1d`, `28d`: the shortest exact spelling in days at most, for alarm names and people.
    public static func text(_ seconds: Int) -> String {
        for (unit, scale) in [("d", 86_400), ("h", 3_600), ("m", 60)] where seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }
}
