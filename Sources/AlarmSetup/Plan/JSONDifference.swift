/// Where two JSON documents differ, as paths with both values, for plan output
/// (`Threshold: 120 → 90`, `Metrics[2].Expression: … → …`).
struct JSONDifference: Sendable, Hashable, CustomStringConvertible {
    let path: String
    /// The wanted value, or `nil` when the wanted document lacks the path.
    let wanted: JSONValue?
    /// The value found, or `nil` when the found document lacks the path.
    let found: JSONValue?

    var description: String {
        if case .string(let a)? = found, case .string(let b)? = wanted, max(a.count, b.count) > 80 {
            // Long texts: show where they start to differ.
            let common = zip(a, b).prefix { $0 == $1 }.count
            let skip = max(0, common - 30)
            func excerpt(_ s: String) -> String {
                let part = s.dropFirst(skip).prefix(60)
                return "\"" + (skip > 0 ? "…" : "") + part + (skip + part.count < s.count ? "…" : "") + "\""
            }
            return "\(path): \(excerpt(a)) → \(excerpt(b))"
        }
        return "\(path): \(Self.text(found)) → \(Self.text(wanted))"
    }

    /// Every differing leaf path between `wanted` and `found`.
    static func between(_ wanted: JSONValue?, _ found: JSONValue?, path: String = "") -> [JSONDifference] {
        switch (wanted, found) {
        case (.object(let a)?, .object(let b)?):
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                between(a[key], b[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.array(let a)?, .array(let b)?) where a.count == b.count:
            return zip(a, b).enumerated().flatMap { index, pair in between(pair.0, pair.1, path: "\(path)[\(index)]") }
        default:
            return wanted == found ? [] : [JSONDifference(path: path.isEmpty ? "(document)" : path, wanted: wanted, found: found)]
        }
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value else { return "(none)" }
        switch value {
        case .string(let s): return s.count > 80 ? "\"\(s.prefix(77))…\"" : "\"\(s)\""
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): return String(b)
        case .null: return "null"
        case .array(let items): return "[\(items.count) items]"
        case .object(let members): return "{\(members.count) members}"
        }
    }
}
