import Crypto
import Foundation

/// The worker's first signature scheme, kept beside the Standard Webhooks headers
/// (``StandardWebhookSignature``) for the deprecation period docs/api.md states:
/// `X-RAG-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with
/// `X-RAG-Timestamp: <unix seconds>`, keyed with the secret's UTF-8 bytes whatever its form.
struct WebhookSignature: Sendable {
    /// The last day the `X-RAG-*` signature headers are sent (docs/api.md, "Deprecated headers").
    static let deprecatedUntil = "2027-06-30"
    static let signatureHeader = "X-RAG-Signature"
    static let timestampHeader = "X-RAG-Timestamp"
    static let idempotencyHeader = "Idempotency-Key"
    static let attemptHeader = "X-RAG-Delivery-Attempt"

    private let key: SymmetricKey

    init(secret: String) {
        key = SymmetricKey(data: Data(secret.utf8))
    }

    /// The `X-RAG-Signature` value for `body` sent at `timestamp`.
    func signature(for body: Data, timestamp: Int64) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        var hex = Array("v1=".utf8)
        hex.reserveCapacity(3 + 64)
        for byte in mac {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let upperHexDigits = Array("0123456789ABCDEF".utf8)

    /// A job id as a header value (`Idempotency-Key`): visible ASCII stays as it is, every other
    /// byte of its UTF-8 (spaces, non-ASCII letters) and `%` itself become `%XX`, so the header
    /// is plain ASCII and decodes back to the id. The header is not signed: receivers
    /// deduplicate on the signed body's `job_id` (docs/api.md).
    static func headerValue(_ jobID: String) -> String {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(jobID.utf8.count)
        for byte in jobID.utf8 {
            if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), upperHexDigits[Int(byte >> 4)], upperHexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Checks a received signature in constant time; `tolerance` bounds the timestamp's age.
    func isValid(signature: String, body: Data, timestamp: Int64, now: Date = Date(), tolerance: TimeInterval = 300) -> Bool {
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(self.signature(for: body, timestamp: timestamp).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
