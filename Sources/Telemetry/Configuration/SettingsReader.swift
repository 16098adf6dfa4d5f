import Foundation

/// Reads typed settings from a string dictionary and collects every problem instead of stopping
/// at the first.
struct SettingsReader {
    private let values: [String: String]
    private(set) var problems: [TelemetryConfigurationError.Problem] = []

    init(_ values: [String: String]) {
        self.values = values
    }

    /// The trimmed value; empty counts as unset.
    func string(_ key: String) -> String? {
        guard let raw = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
        return raw
    }

    mutating func report(_ key: String, _ problem: String) {
        problems.append(.init(variable: key, problem: problem))
    }

    mutating func flag(_ key: String, default fallback: Bool) -> Bool {
        guard let raw = string(key)?.lowercased() else { return fallback }
        switch raw {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default:
            report(key, "must be on or off, got \"\(raw)\"")
            return fallback
        }
    }

    mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = string(key) else { return fallback }
        guard let value = Int(raw.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            report(key, "must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\"")
            return fallback
        }
        return value
    }

    mutating func seconds(_ key: String, default fallback: Double, range: ClosedRange<Double>) -> Duration {
        var seconds = fallback
        if let raw = string(key) {
            if let value = Double(raw), range.contains(value) {
                seconds = value
            } else {
                report(key, "must be a number of seconds in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\"")
            }
        }
        return .microseconds(Int64((seconds * 1_000_000).rounded()))
    }

    mutating func name(_ key: String, default fallback: String, maxLength: Int) -> String {
        guard let raw = string(key) else { return fallback }
        guard raw.count <= maxLength, raw.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) else {
            report(key, "must be at most \(maxLength) printable ASCII characters")
            return fallback
        }
        return raw
    }

    /// A CloudWatch Logs group name: 1–512 of `A-Z a-z 0-9 _ - / . #`.
    mutating func logGroupName(_ key: String, default fallback: String) -> String {
        let value = string(key) ?? fallback
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || "_-/.#".unicodeScalars.contains(scalar)
        }
        guard !value.isEmpty, value.utf8.count <= 512, allowed else {
            report(key, "must be 1-512 characters of letters, digits and _ - / . # (got \"\(value)\")")
            return fallback
        }
        return value
    }

    /// A CloudWatch Logs stream name: 1–512 characters, no `:` or `*`.
    mutating func logStreamName(_ key: String, default fallback: String) -> String {
        guard let value = string(key) else { return fallback }
        guard value.utf8.count <= 512, !value.contains(":"), !value.contains("*") else {
            report(key, "must be 1-512 characters without ':' or '*'")
            return fallback
        }
        return value
    }

    /// A custom metric namespace: printable ASCII, at most 255 characters, not starting with `AWS/`.
    mutating func namespace(_ key: String, default fallback: String) -> String {
        guard let value = string(key) else { return fallback }
        guard value.count <= 255, !value.hasPrefix("AWS/"),
              value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f })
        else {
            report(key, "must be at most 255 printable ASCII characters and not start with AWS/")
            return fallback
        }
        return value
    }
}
