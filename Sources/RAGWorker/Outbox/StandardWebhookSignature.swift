import Crypto
import Foundation

/// Signs a delivery by the Standard Webhooks specification, so any of its libraries verifies it:
/// `webhook-id` (the job's idempotency key, the same on every attempt), `webhook-timestamp`
/// (Unix seconds of the attempt) and `webhook-signature: v1,<Base64 HMAC-SHA256 of
/// "<id>.<timestamp>.<body>">`, one space-separated signature per key while a secret rotates.
///
/// The HMAC key of a `whsec_<Base64>` secret is its decoded bytes, as the specification's
/// libraries take it; any other secret's key is its UTF-8 bytes, which such a library accepts
/// as `whsec_` followed by the secret in Base64 (docs/api.md).
struct StandardWebhookSignature: Sendable {
    static let idHeader = "webhook-id"
    static let timestampHeader = "webhook-timestamp"
    static let signatureHeader = "webhook-signature"
    static let secretPrefix = "whsec_"

    private let key: SymmetricKey

    /// Nil for a `whsec_` secret whose rest is not Base64 of at least one byte.
    init?(secret: String) {
        guard let bytes = Self.keyBytes(secret), !bytes.isEmpty else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// The HMAC key of `secret`: the decoded Base64 after `whsec_`, else the UTF-8 bytes; nil
    /// when a `whsec_` secret does not decode.
    static func keyBytes(_ secret: String) -> Data? {
        guard secret.hasPrefix(secretPrefix) else { return Data(secret.utf8) }
        var encoded = String(secret.dropFirst(secretPrefix.count))
        // Unpadded Base64 is common in `whsec_` secrets; the libraries accept it.
        while encoded.utf8.count % 4 != 0 { encoded += "=" }
        return Data(base64Encoded: encoded)
    }

    /// `v1,<Base64 signature>` of `body` sent as message `id` at `timestamp`.
    func signature(id: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The `webhook-signature` value: one signature per secret, space-separated, the current
    /// secret's first.
    static func header(secrets: [String], id: String, timestamp: Int64, body: Data) -> String? {
        let signatures = secrets.compactMap { StandardWebhookSignature(secret: $0)?.signature(id: id, timestamp: timestamp, body: body) }
        return signatures.isEmpty ? nil : signatures.joined(separator: " ")
    }
}
