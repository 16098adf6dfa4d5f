import Crypto
import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// The Swift side of the Standard Webhooks signing; scripts/tests/test_standard_webhooks.py verifies
/// the worker's deliveries with the specification's own Python library.
@Suite("Standard Webhooks signatures")
struct StandardWebhooksTests {
    static let current = "whsec_" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let previous = "whsec_" + Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    @Test("the specification's example: a whsec_ secret's decoded bytes sign \"id.timestamp.body\"")
    func knownAnswer() throws {
        let signer = try #require(StandardWebhookSignature(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(StandardWebhookSignature(secret: "whsec_***not base64***") == nil)
        #expect(StandardWebhookSignature.keyBytes("plain-secret") == Data("plain-secret".utf8))
    }

    @Test("rotation: both secrets sign until the previous one expires, then the current one alone")
    func rotationWindow() {
        let now = Date()
        let rotating = WebhookSigningKeys(current: Self.current, previous: Self.previous, previousExpires: now.addingTimeInterval(60))
        #expect(rotating.secrets(at: now) == [Self.current, Self.previous])
        #expect(rotating.secrets(at: now.addingTimeInterval(61)) == [Self.current])
        #expect(WebhookSigningKeys(current: Self.current, previous: Self.previous, previousExpires: nil).secrets(at: now) == [Self.current])
        let header = StandardWebhookSignature.header(secrets: rotating.secrets(at: now), id: "job-1", timestamp: 1, body: Data("{}".utf8))
        #expect(header?.split(separator: " ").count == 2)
    }

    @Test("every attempt carries webhook-id = the idempotency key, webhook-timestamp and one v1 signature per secret; X-RAG-* stay")
    func deliveredHeaders() async throws {
        let receiver = WebhookReceiver(secret: Self.current, script: ScriptedResponses([ScriptedResponse(status: 503)]))
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            let environment = [
                "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.current,
                "WEBHOOK_SECRET_PREVIOUS": Self.previous, "WEBHOOK_SECRET_PREVIOUS_EXPIRES": expires,
                "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.1",
            ]
            try await InProcessWorker.with(environment: environment) { worker in
                _ = try await worker.postJob(sampleJob(id: "café 1"))
                _ = try await worker.waitForJob("café 1") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
                let attempts = await receiver.deliveries
                #expect(attempts.map(\.status) == [503, 200])
                for attempt in attempts {
                    let id = try #require(attempt.header("webhook-id"))
                    let timestamp = try #require(attempt.header("webhook-timestamp"))
                    #expect(id == "caf%C3%A9%201" && id == attempt.idempotencyKey)
                    #expect(timestamp == attempt.header("X-RAG-Timestamp"))
                    let signatures = try #require(attempt.header("webhook-signature")).split(separator: " ").map(String.init)
                    #expect(signatures == [Self.expected(Self.current, id, timestamp, attempt.body),
                                           Self.expected(Self.previous, id, timestamp, attempt.body)])
                    #expect(attempt.signatureValid, "X-RAG-Signature, with the current secret, for the deprecation period")
                }
            }
        }
    }

    @Test("the official standardwebhooks package verifies the first attempt and the retry with either secret of a rotation, and rejects a tampered body and a stale timestamp")
    func officialLibraryVerifies() async throws {
        let receiver = WebhookReceiver(secret: Self.current, script: ScriptedResponses([ScriptedResponse(status: 503)]))
        let expires = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        try await withLoopbackServer(receiver.router()) { webhookURL in
            let environment = [
                "WEBHOOK_URL": webhookURL + "/webhook", "WEBHOOK_SECRET": Self.current,
                "WEBHOOK_SECRET_PREVIOUS": Self.previous, "WEBHOOK_SECRET_PREVIOUS_EXPIRES": expires,
                "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05", "RAG_WEBHOOK_BACKOFF_MAX_SECONDS": "0.1",
            ]
            try await InProcessWorker.with(environment: environment) { worker in
                _ = try await worker.postJob(sampleJob(id: "official-1"))
                _ = try await worker.waitForJob("official-1") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
            }
        }
        let attempts = await receiver.deliveries
        #expect(attempts.map(\.status) == [503, 200], "a first attempt and a retry")
        let stranger = "whsec_" + Data(repeating: 7, count: 32).base64EncodedString()
        let verdicts = try await Self.officialVerdicts(
            attempts, secrets: [("current", Self.current), ("previous", Self.previous), ("stranger", stranger)])
        #expect(verdicts.count == 2)
        for verdict in verdicts {
            #expect(verdict["current"] == "ok")
            #expect(verdict["previous"] == "ok")
            #expect(verdict["stranger"] == "No matching signature found")
            #expect(verdict["tampered"] == "No matching signature found")
            #expect(verdict["stale"] == "Message timestamp too old")
        }
    }

    /// Each delivery judged by `standardwebhooks` (scripts/testing/verify_standard_webhooks.py in
    /// the project's .venv): per secret name `ok` or the package's rejection, and `tampered` and
    /// `stale` with the first secret given.
    static func officialVerdicts(_ deliveries: [WebhookReceiver.Delivery], secrets: [(String, String)]) async throws -> [[String: String]] {
        let directory = try TemporaryDirectory(prefix: "standard-webhooks")
        defer { directory.remove() }
        var named: [String: String] = [:]
        for (name, secret) in secrets { named[name] = secret }
        let document: [String: Any] = [
            "secrets": named, "primary": secrets[0].0,
            "deliveries": deliveries.map { ["headers": $0.headers, "body_base64": $0.body.base64EncodedString()] },
        ]
        let input = URL(fileURLWithPath: directory.path).appendingPathComponent("deliveries.json")
        try JSONSerialization.data(withJSONObject: document).write(to: input)
        let script = PackagePaths.root.appendingPathComponent("scripts/testing/verify_standard_webhooks.py")
        let result = try await runChildProcess(PackagePaths.venvTool("python3"), arguments: [script.path, input.path],
                                               separateStandardError: true, timeout: .seconds(60))
        try #require(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: String]])
    }

    /// `v1,<Base64 HMAC-SHA256(key, "id.timestamp.body")>`, computed here from the key bytes.
    static func expected(_ secret: String, _ id: String, _ timestamp: String, _ body: Data) -> String {
        let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst("whsec_".count)))!)
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        return "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
    }
}
