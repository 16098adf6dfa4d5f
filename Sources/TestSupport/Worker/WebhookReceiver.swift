import Crypto
import Foundation
import Hummingbird

/// A loopback stand-in for the n8n webhook: records every delivery attempt, checks its
/// signature, and answers from a script (e.g. "503 twice, then 200").
public struct WebhookReceiver: Sendable {
    /// One attempt as received.
    public struct Delivery: Sendable {
        public let jobID: String?
        public let idempotencyKey: String?
        public let attempt: Int?
        public let signatureValid: Bool
        public let body: Data
        public let status: Int
        /// When the request arrived (before the scripted answer's delay).
        public let receivedAt: Date
        /// Every header as received, names lower-cased.
        public let headers: [String: String]

        /// The value of header `name` (any case).
        public func header(_ name: String) -> String? {
            headers[name.lowercased()]
        }

        /// The body as a JSON object.
        public var json: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        }
    }

    public let secret: String
    public let script: ScriptedResponses
    private let log = DeliveryLog()

    public init(secret: String, script: ScriptedResponses = ScriptedResponses()) {
        self.secret = secret
        self.script = script
    }

    /// Every attempt received so far, in arrival order.
    public var deliveries: [Delivery] {
        get async { await log.all }
    }

    /// Attempts that were answered with 2xx.
    public var acknowledged: [Delivery] {
        get async { await log.all.filter { (200..<300).contains($0.status) } }
    }

    /// A router with `POST /webhook`.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/webhook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 16 << 20)
            let body = Data(buffer.readableBytesView)
            let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
            let recorded = RecordedRequest(method: "POST", path: "/webhook", headers: headers, body: body, receivedAt: Date())
            let answer = await script.next(for: recorded)
            let valid = Self.verify(secret: secret, body: body, timestamp: recorded.header("X-RAG-Timestamp"), signature: recorded.header("X-RAG-Signature"))
            let jobID = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["job_id"] as? String
            await log.append(Delivery(
                jobID: jobID, idempotencyKey: recorded.header("Idempotency-Key"),
                attempt: recorded.header("X-RAG-Delivery-Attempt").flatMap(Int.init),
                signatureValid: valid, body: body, status: answer.status, receivedAt: recorded.receivedAt,
                headers: Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            ))
            return try await answer.response()
        }
        return router
    }

    /// Verifies `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` independently of the worker's code.
    public static func verify(secret: String, body: Data, timestamp: String?, signature: String?) -> Bool {
        guard let timestamp, let signature, signature.hasPrefix("v1=") else { return false }
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        let expected = "v1=" + mac.map { String(format: "%02x", $0) }.joined()
        return expected == signature
    }
}

private actor DeliveryLog {
    var all: [WebhookReceiver.Delivery] = []

    func append(_ delivery: WebhookReceiver.Delivery) {
        all.append(delivery)
    }
}
