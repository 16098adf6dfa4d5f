/// Why alarm-setup could not do what it was asked, with what an operator needs to act.
///
/// Never carries credentials or request bodies.
struct AlarmSetupError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: String, Sendable, Hashable {
        case invalidSettings
        case awsCallFailed
        case compositeAlarmRefused
        case outOfSync
        case fileAccess
    }

    let code: Code
    let message: String
    /// The AWS operation (e.g. `PutMetricAlarm`), when an AWS call failed.
    var operation: String?
    /// The AWS error code (e.g. `AccessDenied`), when AWS answered one.
    var awsErrorCode: String?
    var requestID: String?
    /// Whether running the same command again may succeed (throttling, 5xx, network).
    var isRetryable = false

    var description: String {
        var parts = [message]
        if let operation { parts.append("operation: \(operation)") }
        if let awsErrorCode { parts.append("AWS error: \(awsErrorCode)") }
        if let requestID { parts.append("request id: \(requestID)") }
        if isRetryable { parts.append("retryable") }
        return parts.joined(separator: "; ")
    }

    static func invalidSettings(_ problems: [String]) -> AlarmSetupError {
        AlarmSetupError(code: .invalidSettings, message: "invalid settings:\n  - " + problems.joined(separator: "\n  - "))
    }

    static func fileAccess(_ path: String, _ reason: String) -> AlarmSetupError {
        AlarmSetupError(code: .fileAccess, message: "cannot write \(path): \(reason)")
    }

    static func outOfSync(_ count: Int) -> AlarmSetupError {
        AlarmSetupError(code: .outOfSync, message: "\(count) resource(s) missing or different from the definitions")
    }
}
