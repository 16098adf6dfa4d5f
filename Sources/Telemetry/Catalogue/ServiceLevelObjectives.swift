/// The service's objectives, shared by reports, alarms and the dashboard.
public enum ServiceLevelObjectives {
    /// A job must finish (accepted to result persisted) within this many seconds.
    public static let jobLatencySeconds: Double = 120
    /// A proposal counts as grounded at or above this groundedness: one bar for the quality SLO
    /// (`rag-worker/groundedness-at-least` of the embedded SLO file, which a test holds to this
    /// value), the report's "share grounded", the evaluation event's label and the default of the
    /// groundedness alarm (which watches the average).
    public static let groundednessThreshold: Double = 0.6
}
