import Foundation

/// W3C Trace Context identifiers: new ids and the `traceparent` header.
///
/// A trace id is 32 lowercase hex digits, a span id 16, neither all zeros; `traceparent` is
/// `00-<trace id>-<span id>-<flags>` ([W3C Trace Context](https://www.w3.org/TR/trace-context/)).
public enum TraceIDs {
    /// A new trace id: 32 lowercase hex digits, the first 8 the current Unix time in seconds and
    /// the other 24 random (``timedHigh(_:nanoseconds:)``).
    public static func newTraceID() -> String {
        hex(timedHigh(IDGenerator.shared.next(), nanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9))) + hex(IDGenerator.shared.next())
    }

    /// The high half of a new trace id: the Unix time in seconds in its top 32 bits, random bits
    /// below. A W3C trace id of this shape is also a valid X-Ray trace id (its first 8 hex digits
    /// are the epoch seconds X-Ray expects), so the same id works in every backend and in the
    /// `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy` form CloudWatch's console looks logs up by; the
    /// 96 random bits keep ids unique.
    static func timedHigh(_ random: UInt64, nanoseconds: UInt64) -> UInt64 {
        (nanoseconds / 1_000_000_000) << 32 | (random & 0xFFFF_FFFF)
    }

    /// The X-Ray form of a W3C trace id, `1-<first 8 digits>-<last 24 digits>`; nil when `traceID`
    /// is not a valid trace id.
    public static func xrayTraceID(_ traceID: String) -> String? {
        guard isValidTraceID(traceID) else { return nil }
        let utf8 = Array(traceID.utf8)
        return "1-" + String(decoding: utf8[0..<8], as: UTF8.self) + "-" + String(decoding: utf8[8...], as: UTF8.self)
    }

    /// A random span id: 16 lowercase hex digits, never all zeros.
    public static func newSpanID() -> String {
        hex(IDGenerator.shared.next())
    }

    /// The `traceparent` header value for a sampled span: `00-<traceID>-<spanID>-01`.
    public static func traceparent(traceID: String, spanID: String) -> String {
        "00-\(traceID)-\(spanID)-01"
    }

    /// The trace id and parent span id of a `traceparent` value, or nil when it is malformed.
    ///
    /// Accepts version `00` exactly and later versions by their first four fields, as the
    /// specification asks; rejects version `ff`, upper-case hex and all-zero ids.
    public static func parse(traceparent: String) -> (traceID: String, spanID: String)? {
        parseFields(traceparent).map { ($0.traceID, $0.spanID) }
    }

    /// `parse(traceparent:)` plus the sampled flag.
    static func parseFields(_ value: String) -> (traceID: String, spanID: String, sampled: Bool)? {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 55, utf8[2] == UInt8(ascii: "-"), utf8[35] == UInt8(ascii: "-"),
              utf8[52] == UInt8(ascii: "-")
        else { return nil }
        let version = utf8[0..<2]
        guard isLowerHex(version), !(version[0] == UInt8(ascii: "f") && version[1] == UInt8(ascii: "f")) else { return nil }
        let isVersionZero = version.allSatisfy { $0 == UInt8(ascii: "0") }
        if isVersionZero ? utf8.count != 55 : (utf8.count > 55 && utf8[55] != UInt8(ascii: "-")) { return nil }
        let trace = utf8[3..<35]
        let span = utf8[36..<52]
        let flags = utf8[53..<55]
        guard isLowerHex(trace), isLowerHex(span), isLowerHex(flags),
              trace.contains(where: { $0 != UInt8(ascii: "0") }),
              span.contains(where: { $0 != UInt8(ascii: "0") })
        else { return nil }
        let flagValue = UInt8(String(decoding: flags, as: UTF8.self), radix: 16) ?? 0
        return (String(decoding: trace, as: UTF8.self), String(decoding: span, as: UTF8.self), flagValue & 1 == 1)
    }

    /// True for 32 lowercase hex digits, not all zeros.
    public static func isValidTraceID(_ value: String) -> Bool {
        value.utf8.count == 32 && isLowerHex(value.utf8) && value.utf8.contains { $0 != UInt8(ascii: "0") }
    }

    /// True for 16 lowercase hex digits, not all zeros.
    public static func isValidSpanID(_ value: String) -> Bool {
        value.utf8.count == 16 && isLowerHex(value.utf8) && value.utf8.contains { $0 != UInt8(ascii: "0") }
    }

    private static func isLowerHex(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// The two 64-bit halves of a 32-hex-digit trace id (non-hex digits read as zero).
    static func traceValues(_ traceID: String) -> (UInt64, UInt64) {
        let utf8 = Array(traceID.utf8)
        guard utf8.count == 32 else { return (0, 0) }
        return (value(utf8[0..<16]), value(utf8[16..<32]))
    }

    /// The value of a 16-hex-digit span id (non-hex digits read as zero).
    static func spanValue(_ spanID: String) -> UInt64 {
        let utf8 = Array(spanID.utf8)
        return utf8.count == 16 ? value(utf8[0..<16]) : 0
    }

    private static func value(_ digits: ArraySlice<UInt8>) -> UInt64 {
        digits.reduce(0) { result, digit in
            let nibble: UInt64 = switch digit {
            case 0x30...0x39: UInt64(digit - 0x30)
            case 0x61...0x66: UInt64(digit - 0x61 + 10)
            case 0x41...0x46: UInt64(digit - 0x41 + 10)
            default: 0
            }
            return result << 4 | nibble
        }
    }

    /// 16 lowercase hex digits of `value`, zero-padded.
    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            var remaining = value
            for index in stride(from: 15, through: 0, by: -1) {
                buffer[index] = digits[Int(remaining & 0xf)]
                remaining >>= 4
            }
            return 16
        }
    }
}
