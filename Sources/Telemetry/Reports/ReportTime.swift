import Foundation

/// Time ranges and timestamps of reports.
public enum ReportTime {
    /// Parses `2025-01-31T12:00:00.123Z` (milliseconds optional) into nanoseconds since 1970.
    public static func parseNanoseconds(_ text: String) -> UInt64? {
        let strategies = [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()]
        for strategy in strategies {
            if let date = try? Date(text, strategy: strategy) {
                return UInt64((date.timeIntervalSince1970 * 1000).rounded()) * 1_000_000
            }
        }
        return nil
    }

    /// `2025-01-31T12:00:00.123Z`.
    public static func format(nanoseconds: UInt64) -> String {
        Timestamp.iso8601(nanoseconds: nanoseconds)
    }

    /// Parses a relative duration such as `90m`, `24h`, `7d` or `45s`.
    public static func parseDuration(_ text: String) -> Duration? {
        guard let unit = text.last, let value = Double(text.dropLast()), value > 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = value
        case "m": seconds = value * 60
        case "h": seconds = value * 3600
        case "d": seconds = value * 86_400
        default: return nil
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// The interval a report or post-mortem covers: `[start, end)` in wall-clock time.
public struct ReportRange: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// The last `duration` up to `end`.
    public static func last(_ duration: Duration, until end: Date = Date()) -> ReportRange {
        ReportRange(start: end.addingTimeInterval(-Double(duration.components.seconds) - Double(duration.components.attoseconds) / 1e18), end: end)
    }

    /// From a `--since` value (a relative duration like `24h`, or an ISO 8601 time) and an
    /// optional `--until` (ISO 8601, default now). Nil when either cannot be read.
    public static func parse(since: String, until: String?, now: Date = Date()) -> ReportRange? {
        let end: Date
        if let until {
            guard let parsed = ReportTime.parseNanoseconds(until) else { return nil }
            end = Date(timeIntervalSince1970: Double(parsed) / 1e9)
        } else {
            end = now
        }
        if let duration = ReportTime.parseDuration(since) { return .last(duration, until: end) }
        guard let start = ReportTime.parseNanoseconds(since) else { return nil }
        let range = ReportRange(start: Date(timeIntervalSince1970: Double(start) / 1e9), end: end)
        return range.start < range.end ? range : nil
    }

    var startNanoseconds: Int64 { Int64(start.timeIntervalSince1970 * 1e9) }
    var endNanoseconds: Int64 { Int64(end.timeIntervalSince1970 * 1e9) }
    public var seconds: Double { end.timeIntervalSince(start) }
}
