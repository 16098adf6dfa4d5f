import Foundation

/// The `key1=value1,key2=value2` lists of `OTEL_EXPORTER_OTLP_HEADERS` and
/// `OTEL_RESOURCE_ATTRIBUTES`: entries separated by commas, whitespace around keys and values
/// ignored, values percent-decoded (as the OpenTelemetry SDK configuration specifies).
enum KeyValueList {
    /// What is wrong with a list, worded without its values (header values are secrets).
    struct Malformed: Error, Equatable {
        let problem: String
    }

    /// The pairs of `raw`, in order.
    ///
    /// - Throws: ``Malformed`` for an entry without `=`, an empty key or a value that is not
    ///   valid percent-encoding; the problem names the entry by position, never by content.
    static func parse(_ raw: String) throws(Malformed) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for (index, entry) in raw.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Malformed(problem: "entry \(index + 1) is not key=value")
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let encoded = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw Malformed(problem: "entry \(index + 1) has an empty key") }
            guard let value = encoded.removingPercentEncoding else {
                throw Malformed(problem: "entry \(index + 1) (\(key)) has a value that is not valid percent-encoding")
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// True for an HTTP field name: one or more `tchar`s (RFC 9110).
    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": true
            case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~": true
            default: false
            }
        }
    }

    /// True for a header value libcurl can send on one line: visible ASCII, spaces and tabs.
    static func isHeaderValue(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0 == "\t" || (0x20...0x7E).contains($0.value) }
    }
}
