import Foundation
import Logging

/// The embedded default when no `WEBHOOK_URL` is configured: each delivery is written to
/// `<data dir>/deliveries/<job id>.json` and announced in the log, so a local run shows what
/// n8n would have received.
struct LocalWebhookSink: WebhookSender {
    let directory: String
    let logger: Logger

    var destination: String { "local-sink:\(directory)" }

    func deliver(_ message: OutboxMessage, attempt: Int) async -> DeliveryResult {
        let file = (directory as NSString).appendingPathComponent("\(Self.fileName(for: message.jobID)).json")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try message.payload.write(to: URL(fileURLWithPath: file), options: .atomic)
            logger.info("webhook delivery stored locally", metadata: ["job.id": "\(message.jobID)", "path": "\(file)"])
            return .delivered(status: 200)
        } catch {
            return .retryable(status: nil, error: "cannot write \(file): \(error)", retryAfter: nil)
        }
    }

    /// Job ids may hold characters a file name should not; keep a readable, safe form.
    static func fileName(for jobID: String) -> String {
        String(jobID.map { $0.isLetter || $0.isNumber || "-_.~".contains($0) ? $0 : "_" })
    }
}
