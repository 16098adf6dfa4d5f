import Foundation

/// Evaluates the composite alarm's rule, which alarm-setup writes as `ALARM("a") OR ALARM("b") …`.
///
/// Only that form is read (it is the only one alarm-setup renders): anything else is rejected
/// rather than guessed at.
enum CompositeRuleEvaluator {
    /// The alarm names of an `ALARM("…") OR …` rule, in order; `nil` when the rule has another form.
    static func inputs(of rule: String) -> [String]? {
        var names: [String] = []
        for term in rule.components(separatedBy: " OR ") {
            guard term.hasPrefix("ALARM(\""), term.hasSuffix("\")") else { return nil }
            let name = String(term.dropFirst(7).dropLast(2))
            guard !name.isEmpty, !name.contains("\"") else { return nil }
            names.append(name)
        }
        return names.isEmpty ? nil : names
    }

    /// ALARM when any input is in ALARM, else OK. An input without a state counts as not in ALARM,
    /// as CloudWatch treats `ALARM(x)` for an alarm in INSUFFICIENT_DATA.
    static func state(of composite: CompositeAlarmDefinition, inputs states: [String: AlarmState]) -> AlarmState? {
        guard let names = inputs(of: composite.alarmRule) else { return nil }
        return names.contains { states[$0] == .alarm } ? .alarm : .ok
    }
}
