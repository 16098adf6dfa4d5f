/// A composite alarm: a rule over other alarms' states, e.g. `ALARM(a) OR ALARM(b)`.
/// See <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html>.
public struct CompositeAlarm: Sendable, Hashable {
    public var alarmName: String
    public var alarmRule: String
    public var alarmDescription: String?
    public var actionsEnabled: Bool
    public var alarmActions: [String]
    public var okActions: [String]
    public var insufficientDataActions: [String]
    /// An alarm whose ALARM state suppresses this one's actions; the two periods (seconds) are
    /// required with it: how long to wait for the suppressor to enter ALARM, and how long the
    /// suppression outlasts it.
    public var actionsSuppressor: String?
    public var actionsSuppressorWaitPeriod: Int?
    public var actionsSuppressorExtensionPeriod: Int?

    public init(
        alarmName: String, alarmRule: String, alarmDescription: String? = nil, actionsEnabled: Bool = true,
        alarmActions: [String] = [], okActions: [String] = [], insufficientDataActions: [String] = [],
        actionsSuppressor: String? = nil, actionsSuppressorWaitPeriod: Int? = nil, actionsSuppressorExtensionPeriod: Int? = nil
    ) {
        self.alarmName = alarmName
        self.alarmRule = alarmRule
        self.alarmDescription = alarmDescription
        self.actionsEnabled = actionsEnabled
        self.alarmActions = alarmActions
        self.okActions = okActions
        self.insufficientDataActions = insufficientDataActions
        self.actionsSuppressor = actionsSuppressor
        self.actionsSuppressorWaitPeriod = actionsSuppressorWaitPeriod
        self.actionsSuppressorExtensionPeriod = actionsSuppressorExtensionPeriod
    }
}
