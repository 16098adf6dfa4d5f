import Crypto
import Foundation

/// Signs webhook deliveries so the receiver can check they come from this worker and were not
/// replayed: `X-RAG-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with
/// `X-RAG-Timestamp: <unix seconds>` (docs/api.md shows how to verify it in n8n).
struct WebhookSignature: Sendable {
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

    /// Checks a received signature in constant time; `tolerance` bounds the timestamp's age.
    func isValid(signature: String, body: Data, timestamp: Int64, now: Date = Date(), tolerance: TimeInterval = 300) -> Bool {
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(self.signature(for: body, timestamp: timestamp).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
