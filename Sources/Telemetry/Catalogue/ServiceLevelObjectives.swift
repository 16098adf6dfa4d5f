/// The service's objectives, shared by reports, alarms and the dashboard.
public enum ServiceLevelObjectives {
    /// A job must finish (accepted to result persisted) within this many seconds.
    public static let jobLatencySeconds: Double = 120
}
