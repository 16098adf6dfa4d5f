/// What `apply` would do (or `destroy` will do), resource by resource, and how it reads for a human.
struct ProvisioningPlan: Sendable, Hashable {
    enum Resource: String, Sendable, Hashable, Codable {
        case topic, subscription, metricAlarm = "metric alarm", compositeAlarm = "composite alarm", dashboard
    }

    enum Action: String, Sendable, Hashable, Codable {
        case create, update, delete, unchanged
        /// Not touched: exists, but alarm-setup did not make it (no ownership marker or tag).
        case notOwned = "not owned"
        /// Its current state could not be read (e.g. the API does not implement the call).
        case unknown
    }

    struct Change: Sendable, Hashable, Codable, CustomStringConvertible {
        var resource: Resource
        var name: String
        var action: Action
        /// Field differences for updates, or why for `notOwned` / `unknown`.
        var details: [String] = []

        var description: String {
            let symbol = switch action {
            case .create: "+"
            case .update: "~"
            case .delete: "-"
            case .unchanged: "="
            case .notOwned, .unknown: "!"
            }
            let head = "\(symbol) \(resource.rawValue) \(name)" + (action == .unchanged ? "" : " (\(action.rawValue))")
            return ([head] + details.map { "    \($0)" }).joined(separator: "\n")
        }
    }

    var changes: [Change]

    /// Changes that `apply` or `destroy` would make (create, update, delete).
    var pending: [Change] { changes.filter { [.create, .update, .delete].contains($0.action) } }

    /// Resources that could not be read, which `verify` cannot vouch for.
    var unknown: [Change] { changes.filter { $0.action == .unknown } }

    var hasChanges: Bool { !pending.isEmpty }

    /// Lines for a terminal: every resource, then a count summary.
    func rendered(verbose: Bool = true) -> String {
        let shown = verbose ? changes : changes.filter { $0.action != .unchanged }
        let counts = [Action.create, .update, .delete].map { action in
            "\(changes.filter { $0.action == action }.count) to \(action.rawValue)"
        }
        let summary = "Plan: " + counts.joined(separator: ", ")
            + ", \(changes.filter { $0.action == .unchanged }.count) unchanged."
        return (shown.map(\.description) + [summary]).joined(separator: "\n")
    }
}
