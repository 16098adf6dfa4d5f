import Foundation

/// The secrets a delivery attempt is signed with, read at each attempt so a rotated secret
/// applies at once: `WEBHOOK_SECRET`, and during a rotation `WEBHOOK_SECRET_PREVIOUS` until
/// `WEBHOOK_SECRET_PREVIOUS_EXPIRES` (docs/api.md, "Rotating the secret").
struct WebhookSigningKeys: Sendable, Equatable {
    var current: String?
    var previous: String?
    var previousExpires: Date?

    /// Longest a rotation may keep the previous secret: receivers must have switched by then.
    static let maximumRotationWindow: TimeInterval = 30 * 86_400

    /// The secrets to sign with at `now`: the current one, then the previous one while its
    /// window lasts.
    func secrets(at now: Date) -> [String] {
        var secrets = current.map { [$0] } ?? []
        if let previous, previous != current, let previousExpires, now < previousExpires {
            secrets.append(previous)
        }
        return secrets
    }

    /// An ISO 8601 UTC time (`2026-12-31T12:00:00Z`), as `WEBHOOK_SECRET_PREVIOUS_EXPIRES` takes it.
    static func parseExpiry(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
