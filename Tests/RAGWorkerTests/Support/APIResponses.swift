import Curl
import Foundation
import TestSupport

extension HTTPClientResponse {
    /// `error.code` of an API error body.
    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    /// `error.fields` of an API error body, as path → problem.
    var errorFields: [String: String] {
        let fields = ((json["error"] as? [String: Any])?["fields"] as? [[String: String]]) ?? []
        return Dictionary(fields.map { ($0["path"] ?? "", $0["problem"] ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}

/// `[String: Any]` dictionary path lookup, e.g. `value(at: ["delivery", "status"])`.
func value(_ object: [String: Any], at path: [String]) -> Any? {
    var current: Any? = object
    for key in path {
        current = (current as? [String: Any])?[key]
    }
    return current
}
