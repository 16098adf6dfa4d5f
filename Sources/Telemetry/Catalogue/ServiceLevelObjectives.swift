/// The service's objectives, shared by reports, alarms and the dashboard.
public enum ServiceLevelObjectives {
    /// A job must finish (accepted to result persisted) within this many seconds.
    public static let jobLatencySeconds: Double = 120
    /// A proposal counts as grounded at or above this groundedness (the report's "share grounded"
    /// and the default of the groundedness alarm).
    public static let groundednessThreshold: Double = 0.8
}
