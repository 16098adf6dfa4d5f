/// A composite alarm: a rule over other alarms' states, e.g. `ALARM(a) OR ALARM(b)`.
public struct CompositeAlarm: Sendable, Hashable {
    public var alarmName: String
    public var alarmRule: String
    public var alarmDescription: String?
    public var actionsEnabled: Bool
    public var alarmActions: [String]
    public var okActions: [String]
    public var insufficientDataActions: [String]

    public init(
        alarmName: String, alarmRule: String, alarmDescription: String? = nil, actionsEnabled: Bool = true,
        alarmActions: [String] = [], okActions: [String] = [], insufficientDataActions: [String] = []
    ) {
        self.alarmName = alarmName
        self.alarmRule = alarmRule
        self.alarmDescription = alarmDescription
        self.actionsEnabled = actionsEnabled
        self.alarmActions = alarmActions
        self.okActions = okActions
        self.insufficientDataActions = insufficientDataActions
    }
}
