import Curl
import Foundation
import Telemetry

/// Posts deliveries to the n8n webhook, signed, with the job id as idempotency key.
///
/// Each attempt carries the Standard Webhooks headers (``StandardWebhookSignature``: signed
/// with the current secret and, during a rotation, the previous one) and, for the deprecation
/// period docs/api.md states, the earlier `X-RAG-Signature`/`X-RAG-Timestamp` pair
/// (``WebhookSignature``, the current secret only).
struct HTTPWebhookSender: WebhookSender {
    let url: String
    let httpClient: any HTTPClient
    let timeout: Duration
    /// Read at each attempt so a rotated secret applies at once.
    let keys: @Sendable () -> WebhookSigningKeys

    /// The URL without credentials or query (tokens sometimes ride in webhook URLs), port kept.
    var destination: String {
        URL(string: url).map { "\($0.scheme ?? "https")://\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")\($0.path)" } ?? "webhook"
    }

    func deliver(_ message: OutboxMessage, attempt: Int) async -> DeliveryResult {
        let now = Date()
        let timestamp = Int64(now.timeIntervalSince1970)
        // The idempotency key is the Standard Webhooks message id: the same on every attempt.
        let id = WebhookSignature.headerValue(message.jobID)
        var headers: HTTPHeaders = [
            "Content-Type": "application/json",
            StandardWebhookSignature.idHeader: id,
            StandardWebhookSignature.timestampHeader: String(timestamp),
            WebhookSignature.idempotencyHeader: id,
            WebhookSignature.timestampHeader: String(timestamp),
            WebhookSignature.attemptHeader: String(attempt),
            "User-Agent": "rag-worker",
        ]
        let keys = keys()
        if let signature = StandardWebhookSignature.header(secrets: keys.secrets(at: now), id: id, timestamp: timestamp, body: message.payload) {
            headers.add(name: StandardWebhookSignature.signatureHeader, value: signature)
        }
        if let secret = keys.current {
            headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature(secret: secret).signature(for: message.payload, timestamp: timestamp))
        }
        if let traceparent = message.traceparent ?? W3CTraceparent(traceID: message.traceID)?.header {
            headers.add(name: "traceparent", value: traceparent)
        }
        var request = HTTPClientRequest(method: .post, url: url, headers: headers, body: message.payload, timeout: timeout)
        // Only the status matters: a 2xx with a large body is accepted, its body read and dropped.
        request.keepBodyBytes = 0
        do {
            let response = try await httpClient.execute(request)
            return Self.classify(response)
        } catch let error as HTTPClientError {
            return .retryable(status: nil, error: "\(error.kind): \(sanitized(error.message))", retryAfter: nil)
        } catch {
            return .retryable(status: nil, error: sanitized("\(error)"), retryAfter: nil)
        }
    }

    /// A failure's text as it may be stored and logged (``UntrustedText``, checked against the secret).
    private func sanitized(_ message: String) -> String {
        let keys = keys()
        return UntrustedText.message(message, maxLength: 200, secrets: SecretDetector(secrets: [keys.current, keys.previous].compactMap { $0 }))
    }

    /// 2xx delivered; 408, 429 and 5xx retried (honouring Retry-After); other statuses rejected.
    static func classify(_ response: HTTPClientResponse) -> DeliveryResult {
        switch response.status {
        case 200..<300:
            return .delivered(status: response.status)
        case 408, 429, 500...599:
            return .retryable(status: response.status, error: "HTTP \(response.status)", retryAfter: response.retryAfter())
        default:
            return .rejected(status: response.status, error: "HTTP \(response.status)")
        }
    }
}
