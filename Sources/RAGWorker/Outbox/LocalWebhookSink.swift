import Crypto
import Foundation
import Logging

/// The embedded default when no `WEBHOOK_URL` is configured: each delivery is written to
/// `<data dir>/deliveries/<SHA-256 of the job id, hex>.json` (mode 0600) and announced in the
/// log with the job id and the path, so a local run shows what n8n would have received.
///
/// The file is named by a hash because job ids are free text: two ids that differ only in
/// characters a file name cannot hold must not share a file, and an id of 256 bytes must not
/// exceed the 255-byte limit of a file name.
struct LocalWebhookSink: WebhookSender {
    let directory: String
    let logger: Logger

    var destination: String { "local-sink:\(directory)" }

    func deliver(_ message: OutboxMessage, attempt: Int) async -> DeliveryResult {
        let file = (directory as NSString).appendingPathComponent("\(Self.fileName(for: message.jobID)).json")
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try PrivateFile.write(message.payload, to: file)
            logger.info("webhook delivery stored locally", metadata: ["job.id": "\(message.jobID)", "path": "\(file)"])
            return .delivered(status: 200)
        } catch {
            return .retryable(status: nil, error: "cannot write \(file): \(error)", retryAfter: nil)
        }
    }

    /// The SHA-256 of the job id's UTF-8, as 64 lowercase hex digits.
    static func fileName(for jobID: String) -> String {
        SHA256.hash(data: Data(jobID.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
