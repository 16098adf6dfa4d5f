import Foundation

/// The parameters of a query-protocol call (CloudWatch, SNS, IAM, STS), in order, and their
/// form encoding.
///
/// Lists use the `Name.member.N` convention (1-based); nested structures extend the key with
/// `.Field`. Every character outside RFC 3986's unreserved set is percent-encoded and spaces
/// become `+`, exactly as botocore encodes: libcurl signs the body bytes as sent, and moto
/// re-encodes the parsed form before checking the signature, so any other spelling fails there.
public struct QueryParameters: Sendable, Equatable {
    public private(set) var pairs: [Pair]

    /// One `name=value` parameter.
    public struct Pair: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init() {
        pairs = []
    }

    public mutating func add(_ name: String, _ value: String?) {
        guard let value else { return }
        pairs.append(Pair(name: name, value: value))
    }

    public mutating func add(_ name: String, _ value: Int?) {
        add(name, value.map { String($0) })
    }

    /// Adds a number; callers reject NaN and infinity before (AWS refuses them).
    public mutating func add(_ name: String, _ value: Double?) {
        add(name, value.map(Self.format))
    }

    public mutating func add(_ name: String, _ value: Bool?) {
        add(name, value.map { $0 ? "true" : "false" })
    }

    public mutating func add(_ name: String, _ value: Date?) {
        add(name, value.map(Timestamp.format))
    }

    /// Adds `name.member.1`, `name.member.2`, ... for each value.
    public mutating func addList(_ name: String, _ values: [String]) {
        for (offset, value) in values.enumerated() {
            add("\(name).member.\(offset + 1)", value)
        }
    }

    /// Adds `name.member.N.<fields>` for each item, letting `encode` add the fields under the prefix.
    public mutating func addMembers<Item>(
        _ name: String, _ items: [Item], _ encode: (inout QueryParameters, _ prefix: String, Item) -> Void
    ) {
        for (offset, item) in items.enumerated() {
            encode(&self, "\(name).member.\(offset + 1)", item)
        }
    }

    /// The form body: `Action=...&Version=...` followed by the parameters.
    public func formBody(action: String, version: String) -> String {
        var all = [Pair(name: "Action", value: action), Pair(name: "Version", value: version)]
        all.append(contentsOf: pairs)
        return all.map { Self.formEncode($0.name) + "=" + Self.formEncode($0.value) }.joined(separator: "&")
    }

    /// The value of the first parameter named `name` (tests and logging).
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~`.
    public static func percentEncode(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    /// Form encoding: ``percentEncode(_:)`` with spaces as `+`, byte for byte what botocore sends
    /// (Python's `urlencode`). AWS reads either form; moto rebuilds the body this way from the
    /// parsed form before checking the signature, so only this form verifies there.
    public static func formEncode(_ text: String) -> String {
        percentEncode(text).replacingOccurrences(of: "%20", with: "+")
    }

    /// Shortest round-tripping decimal form; integral values without a fraction (`120`, not `120.0`).
    static func format(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
