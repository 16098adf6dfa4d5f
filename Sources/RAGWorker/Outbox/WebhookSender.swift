import Foundation

/// Sends one delivery attempt. ``HTTPWebhookSender`` posts to `WEBHOOK_URL`;
/// ``LocalWebhookSink`` is the embedded default that stores and prints deliveries.
protocol WebhookSender: Sendable {
    /// Names the destination in logs and `rag-worker config` (never with credentials).
    var destination: String { get }

    /// Makes attempt number `attempt` (1-based) to deliver `message`. Never throws: every failure
    /// is classified so the outbox knows whether to retry.
    func deliver(_ message: OutboxMessage, attempt: Int) async -> DeliveryResult
}

/// How one delivery attempt ended.
enum DeliveryResult: Sendable, Equatable {
    /// The receiver answered 2xx: done.
    case delivered(status: Int)
    /// Worth another attempt: connection error, timeout, 408, 429 or 5xx.
    case retryable(status: Int?, error: String, retryAfter: Duration?)
    /// Another attempt would fail the same way (other 4xx): dead-letter now.
    case rejected(status: Int, error: String)
}
