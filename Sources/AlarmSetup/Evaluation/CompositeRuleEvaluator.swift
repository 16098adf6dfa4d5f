import Foundation

/// Evaluates the composite alarms' rules, which alarm-setup writes as `ALARM("a") OR ALARM("b") …`
/// (the pager, an SLO's page composite) or `ALARM("long") AND ALARM("short")` (a burn-rate tier).
///
/// Only those forms are read (one joiner per rule, the only ones alarm-setup renders): anything
/// else is rejected rather than guessed at.
enum CompositeRuleEvaluator {
    /// How a rule's terms combine.
    enum Joiner: String, Sendable {
        case and = "AND"
        case or = "OR"
    }

    /// The alarm names of an `ALARM("…") OR …` rule, in order; `nil` when the rule has another form.
    static func inputs(of rule: String) -> [String]? {
        parse(rule).flatMap { $0.joiner == .or || $0.names.count == 1 ? $0.names : nil }
    }

    /// The joiner and the alarm names of a rule whose terms are all `ALARM("…")` joined by one of
    /// ` AND ` or ` OR `; `nil` for any other form.
    static func parse(_ rule: String) -> (joiner: Joiner, names: [String])? {
        for joiner in [Joiner.or, .and] {
            let terms = rule.components(separatedBy: " \(joiner.rawValue) ")
            guard terms.count > 1 || joiner == .and else { continue }
            var names: [String] = []
            for term in terms {
                guard term.hasPrefix("ALARM(\""), term.hasSuffix("\")") else { return nil }
                let name = String(term.dropFirst(7).dropLast(2))
                guard !name.isEmpty, !name.contains("\""), !name.contains(" AND "), !name.contains(" OR ") else { return nil }
                names.append(name)
            }
            return names.isEmpty ? nil : (joiner, names)
        }
        return nil
    }

    /// The composite's state given its inputs': with OR, ALARM when any input is in ALARM; with
    /// AND, when every one is. An input without a state counts as not in ALARM, as CloudWatch
    /// treats `ALARM(x)` for an alarm in INSUFFICIENT_DATA. Nil for a rule of another form.
    static func state(of composite: CompositeAlarmDefinition, inputs states: [String: AlarmState]) -> AlarmState? {
        guard let (joiner, names) = parse(composite.alarmRule) else { return nil }
        let firing = names.map { states[$0] == .alarm }
        let inAlarm = joiner == .or ? firing.contains(true) : !firing.contains(false)
        return inAlarm ? .alarm : .ok
    }
}
