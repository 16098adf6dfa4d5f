import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// `rag-worker serve` killed with SIGKILL (what SageMaker does 30 s after SIGTERM, and what an
/// out-of-memory kill does at any time) while jobs run and deliveries wait for the receiver.
@Suite("SIGKILL recovery")
struct CrashRecoveryTests {
    static let openAIKey = "sk-crash-test"

    /// A job whose id is in its title, so the chat request names the job it belongs to.
    static func job(_ id: String) -> String {
        #"{"job_id": "\#(id)", "title": "Job \#(id): build a Swift service", "description": "We need a server in Swift with a webhook."}"#
    }

    @Test("killed mid-job and mid-delivery: after the restart every job is delivered, none completes twice, repeats carry one key")
    func killWhileJobsRunAndDeliveriesWait() async throws {
        let openAI = OpenAIDouble(apiKey: Self.openAIKey)
        // Each generation takes 1.5 s: with 2 runners, jobs are still queued and running at the kill.
        await openAI.chatFaults.enqueue(.delay(.milliseconds(1500)), times: 100)
        // The receiver holds its answer to the first deliveries for 5 s: the kill lands while
        // the worker waits for it, after the receiver has the document.
        let receiver = WebhookReceiver(secret: ServeProcessTests.secret, script: ScriptedResponses(
            Array(repeating: ScriptedResponse(status: 200, delay: .seconds(5)), count: 2)))
        let jobIDs = (1...6).map { "crash-\($0)" }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        try await withLoopbackServer(openAI.router()) { openAIURL in
            try await withLoopbackServer(receiver.router()) { webhookURL in
                let environment = ServeProcessTests.webhookEnvironment(webhookURL).merging([
                    "OPENAI_API_KEY": Self.openAIKey, "OPENAI_BASE_URL": openAIURL + "/v1", "RAG_CONCURRENCY": "2",
                ]) { $1 }
                let first = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                let client = CurlHTTPClient()
                defer { client.shutdown() }
                for id in jobIDs {
                    let response = try await client.execute(HTTPClientRequest(
                        method: .post, url: first.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                        body: Data(Self.job(id).utf8), timeout: .seconds(10)))
                    #expect(response.status == 202)
                }
                // Kill once a delivery is waiting for the receiver's answer.
                try await eventually(timeout: .seconds(30)) { await receiver.deliveries.count >= 1 }
                try await first.kill()
                let killedAt = Date()

                // What the crash left, read from the job store on disk.
                let store = try SQLiteJobStore(directory: directory.path)
                var stateAtKill: [String: JobState] = [:]
                for id in jobIDs {
                    stateAtKill[id] = try #require(try await store.job(id: id)).state
                }
                let heldAtKill = Set(await receiver.deliveries.compactMap(\.jobID))
                #expect(stateAtKill.values.contains(.running), "the kill interrupted a running job: \(stateAtKill)")
                #expect(!heldAtKill.isEmpty)

                let second = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                try await eventually(timeout: .seconds(60)) {
                    try await jobIDs.asyncAllSatisfy { id in
                        try await store.job(id: id)?.delivery?.state == .delivered
                    }
                }
                #expect(try await second.terminate() == 0)

                let deliveries = await receiver.deliveries
                let chats = await openAI.chat.requests
                for id in jobIDs {
                    let mine = deliveries.filter { $0.jobID == id }
                    #expect(!mine.isEmpty, "\(id) reached the webhook")
                    #expect(mine.allSatisfy { $0.idempotencyKey == id && $0.signatureValid }, "\(id): one idempotency key, signed")
                    #expect(Set(mine.map(\.body)).count == 1, "\(id): every delivery carries the same document")
                    if stateAtKill[id] == .succeeded {
                        let reruns = chats.filter { $0.receivedAt > killedAt && String(decoding: $0.body, as: UTF8.self).contains("Job \(id):") }
                        #expect(reruns.isEmpty, "\(id) had finished before the kill and must not run again")
                    }
                    if stateAtKill[id] == .running {
                        #expect(mine.last?.json["attempts"] as? Int == 2, "\(id) was resumed after the kill")
                    }
                }
                for id in heldAtKill {
                    #expect(deliveries.filter { $0.jobID == id }.count >= 2, "\(id): the unanswered delivery was repeated")
                }
            }
        }
    }
}

extension Sequence where Element: Sendable {
    /// `allSatisfy` with an async predicate, in order.
    func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await !predicate(element) { return false }
        return true
    }
}
