/// Formats epoch times as ISO 8601 UTC with milliseconds (`2025-01-31T12:00:00.123Z`) without
/// Foundation's formatters, which are slow and not meant for hot paths.
enum Timestamp {
    static func iso8601(nanoseconds: UInt64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(nanoseconds: nanoseconds, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 24 ASCII bytes of `2025-01-31T12:00:00.123Z` for `nanoseconds` since 1970.
    static func write(nanoseconds: UInt64, into bytes: inout [UInt8]) {
        let milliseconds = nanoseconds / 1_000_000
        let seconds = Int64(milliseconds / 1000)
        let days = seconds / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(daysSinceEpoch: days)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var remaining = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(remaining / divisor % 10))
                remaining %= divisor
                divisor /= 10
            }
        }
        digits(Int(year), 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(Int(milliseconds % 1000), 3)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil-from-days).
    static func civil(daysSinceEpoch: Int64) -> (Int64, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
