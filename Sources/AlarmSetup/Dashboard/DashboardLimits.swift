/// What CloudWatch accepts in a dashboard body.
///
/// From the dashboard body reference and the CloudWatch quotas: ≤ 500 widgets; widths 1–24 on a
/// 24-column grid; heights 1–1000; ≤ 500 metrics per graph and ≤ 2,500 per dashboard; an alarm widget
/// lists 1–100 alarm ARNs; names of 1–255 characters from letters, digits, `-` and `_`. The body size
/// limit is not stated in the API reference (unconfirmed); this tool keeps bodies under 100,000 bytes,
/// far below any documented or observed limit.
enum DashboardLimits {
    static let gridColumns = 24
    static let maximumWidgets = 500
    static let maximumHeight = 1_000
    static let maximumMetricsPerWidget = 500
    static let maximumMetricsPerDashboard = 2_500
    static let maximumAlarmsPerAlarmWidget = 100
    static let maximumNameLength = 255
    static let maximumBodyBytes = 100_000
}
