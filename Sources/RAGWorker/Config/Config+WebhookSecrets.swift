import Foundation

extension Config {
    /// Checks the webhook's signing secrets: a `whsec_` secret must be Base64 after its prefix;
    /// a rotation (`WEBHOOK_SECRET_PREVIOUS`) needs the new secret and an end
    /// (`WEBHOOK_SECRET_PREVIOUS_EXPIRES`, ISO 8601, at most 30 days ahead). A rotation that has
    /// ended is allowed (the previous secret is no longer used) and returned as a warning.
    ///
    /// Messages name the variables, never a secret's value.
    static func checkWebhookSecrets(_ reader: inout EnvironmentReader, now: Date = Date()) -> [String] {
        var warnings: [String] = []
        for key in [ConfigKey.webhookSecret, ConfigKey.webhookSecretPrevious] {
            if let secret = reader.string(key), secret.hasPrefix(StandardWebhookSignature.secretPrefix),
               (StandardWebhookSignature.keyBytes(secret) ?? Data()).isEmpty {
                reader.report(key, "starts with whsec_ but the rest is not Base64 (a whsec_ secret is whsec_ and the key's bytes in Base64)")
            }
        }
        let expiresText = reader.string(ConfigKey.webhookSecretPreviousExpires)
        guard reader.string(ConfigKey.webhookSecretPrevious) != nil else {
            if expiresText != nil {
                reader.report(ConfigKey.webhookSecretPreviousExpires, "is set without WEBHOOK_SECRET_PREVIOUS")
            }
            return warnings
        }
        if reader.string(ConfigKey.webhookSecret) == nil {
            reader.report(ConfigKey.webhookSecretPrevious, "needs WEBHOOK_SECRET, the new secret it is rotated to")
        }
        guard let expiresText else {
            reader.report(ConfigKey.webhookSecretPreviousExpires, """
                is required with WEBHOOK_SECRET_PREVIOUS: the end of the rotation, e.g. \
                \(ISO8601DateFormatter().string(from: now.addingTimeInterval(86_400))) (at most 30 days ahead)
                """)
            return warnings
        }
        guard let expires = WebhookSigningKeys.parseExpiry(expiresText) else {
            reader.report(ConfigKey.webhookSecretPreviousExpires, "must be an ISO 8601 time with a zone, e.g. 2026-12-31T12:00:00Z, got \"\(expiresText)\"")
            return warnings
        }
        if expires.timeIntervalSince(now) > WebhookSigningKeys.maximumRotationWindow {
            reader.report(ConfigKey.webhookSecretPreviousExpires, "is more than 30 days ahead: a rotation keeps the previous secret at most 30 days")
        } else if expires <= now {
            warnings.append("WEBHOOK_SECRET_PREVIOUS expired at \(expiresText) and is no longer used to sign: remove it and WEBHOOK_SECRET_PREVIOUS_EXPIRES")
        }
        return warnings
    }
}
