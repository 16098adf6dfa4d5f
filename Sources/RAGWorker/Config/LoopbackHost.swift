import Foundation

/// Whether a host name or address reaches this machine only: `localhost`, `127.0.0.0/8`, `::1`.
///
/// Used for the rules that allow plain `http://` and an unauthenticated API only where no other
/// machine can listen in or connect.
enum LoopbackHost {
    static func contains(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The host of an absolute URL, when it is a loopback host.
    static func isLoopbackURL(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host else { return false }
        return contains(host)
    }
}
