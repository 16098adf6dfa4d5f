import Foundation

/// Reads typed settings from a string dictionary and collects every problem instead of
/// stopping at the first, so start-up can report all bad values in one message.
struct EnvironmentReader {
    private let values: [String: String]
    private(set) var problems: [ConfigProblem] = []

    init(_ values: [String: String]) {
        self.values = values
    }

    /// The raw value, with surrounding whitespace removed; empty counts as unset.
    func string(_ key: String) -> String? {
        guard let raw = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else {
            return nil
        }
        return raw
    }

    func string(_ key: String, default fallback: String) -> String {
        string(key) ?? fallback
    }

    mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = string(key) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            problems.append(ConfigProblem(key: key, problem: "must be an integer in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\""))
            return fallback
        }
        return value
    }

    mutating func seconds(_ key: String, default fallback: Double, range: ClosedRange<Double>) -> Duration {
        guard let raw = string(key) else { return .milliseconds(Int64(fallback * 1000)) }
        guard let value = Double(raw), range.contains(value) else {
            problems.append(ConfigProblem(key: key, problem: "must be a number of seconds in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\""))
            return .milliseconds(Int64(fallback * 1000))
        }
        return .milliseconds(Int64(value * 1000))
    }

    mutating func double(_ key: String, default fallback: Double, range: ClosedRange<Double>) -> Double {
        guard let raw = string(key) else { return fallback }
        guard let value = Double(raw), range.contains(value) else {
            problems.append(ConfigProblem(key: key, problem: "must be a number in \(range.lowerBound)...\(range.upperBound), got \"\(raw)\""))
            return fallback
        }
        return value
    }

    mutating func flag(_ key: String, default fallback: Bool) -> Bool {
        guard let raw = string(key)?.lowercased() else { return fallback }
        switch raw {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default:
            problems.append(ConfigProblem(key: key, problem: "must be on or off, got \"\(raw)\""))
            return fallback
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) -> T where T.RawValue == String {
        guard let raw = string(key)?.lowercased() else { return fallback }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(ConfigProblem(key: key, problem: "must be one of \(allowed), got \"\(raw)\""))
            return fallback
        }
        return value
    }

    /// An absolute http(s) URL, or nil when unset.
    mutating func url(_ key: String) -> String? {
        guard let raw = string(key) else { return nil }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil
        else {
            problems.append(ConfigProblem(key: key, problem: "must be an absolute http(s) URL"))
            return nil
        }
        return raw.hasSuffix("/") ? String(raw.dropLast()) : raw
    }

    mutating func report(_ key: String, _ problem: String) {
        problems.append(ConfigProblem(key: key, problem: problem))
    }
}
