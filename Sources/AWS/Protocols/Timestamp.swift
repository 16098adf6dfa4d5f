import Foundation

/// The ISO 8601 timestamps AWS uses in query parameters, XML and credential documents.
enum Timestamp {
    /// Parses `2026-11-25T16:58:38Z`, with or without fractional seconds (any number of digits).
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle())
    }

    /// Formats as `2026-11-25T16:58:38Z`, adding milliseconds only when the date has them.
    static func format(_ date: Date) -> String {
        let millis = (date.timeIntervalSince1970 * 1000).rounded()
        let whole = millis.truncatingRemainder(dividingBy: 1000) == 0
        let rounded = Date(timeIntervalSince1970: millis / 1000)
        return rounded.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: !whole))
    }
}
