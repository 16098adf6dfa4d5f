import Foundation

/// A W3C `traceparent` header value (`00-<trace id>-<parent id>-<flags>`).
struct W3CTraceparent: Sendable, Equatable {
    var traceID: String
    var parentID: String
    var sampled: Bool

    /// A traceparent for `traceID` with a fresh parent id; nil when `traceID` is not 32 hex digits.
    init?(traceID: String, parentID: String = W3CTraceparent.randomHex(bytes: 8), sampled: Bool = true) {
        guard Self.isHex(traceID, length: 32), Self.isHex(parentID, length: 16) else { return nil }
        self.traceID = traceID
        self.parentID = parentID
        self.sampled = sampled
    }

    /// Parses a header; nil when malformed or all-zero, as the spec requires.
    init?(header: String) {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "-").map(String.init)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff",
              parts[1] != String(repeating: "0", count: 32), parts[2] != String(repeating: "0", count: 16),
              let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.init(traceID: parts[1].lowercased(), parentID: parts[2].lowercased(), sampled: flags & 1 == 1)
    }

    var header: String { "00-\(traceID)-\(parentID)-\(sampled ? "01" : "00")" }

    /// A new random trace id (32 lowercase hex digits).
    static func newTraceID() -> String { randomHex(bytes: 16) }

    /// `bytes` random bytes as lowercase hex, drawing 8 bytes per call to the system generator.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var hex = ""
        hex.reserveCapacity(bytes * 2)
        var remaining = bytes
        while remaining > 0 {
            let word = generator.next()
            let take = min(8, remaining)
            hex += String(word, radix: 16).leftPadded(to: 16).prefix(take * 2)
            remaining -= take
        }
        return hex
    }

    private static func isHex(_ text: String, length: Int) -> Bool {
        text.count == length && text.allSatisfy(\.isHexDigit)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
