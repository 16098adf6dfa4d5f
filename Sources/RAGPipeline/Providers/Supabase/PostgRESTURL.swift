import Foundation

/// Builds PostgREST URLs (https://postgrest.org/en/stable/references/api/tables_views.html):
/// `<project>/rest/v1/<table>?column=op.value&…`, with values percent-encoded so reserved
/// characters (`,`, `(`, `)`, `&`) in them cannot change the filter.
struct PostgRESTURL {
    let base: String

    /// - Parameter projectURL: `SUPABASE_URL`, e.g. `https://abc.supabase.co` (with or without `/rest/v1`).
    init(projectURL: String) {
        var url = projectURL.hasSuffix("/") ? String(projectURL.dropLast()) : projectURL
        if !url.hasSuffix("/rest/v1") { url += "/rest/v1" }
        base = url
    }

    func table(_ name: String, _ query: [(String, String)] = []) -> String {
        append(query, to: "\(base)/\(name)")
    }

    func rpc(_ function: String) -> String {
        "\(base)/rpc/\(function)"
    }

    /// `in.(a,b,c)` with each value quoted, as PostgREST expects for arbitrary strings.
    static func inList(_ values: some Sequence<String>) -> String {
        "(" + values.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ",") + ")"
    }

    private func append(_ query: [(String, String)], to url: String) -> String {
        guard !query.isEmpty else { return url }
        return url + "?" + query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
