import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// The worker says when retrieval has nothing to find, and operator commands refuse to answer
/// from a job store that is not the one the jobs live in.
@Suite("Store honesty")
struct StoreHonestyTests {
    @Test("an empty store: ingest --check fails and names the command, config says empty; after ingest both show the count")
    func emptyStoreIsNamed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["RAG_DATA_DIR": directory.path]
        let config = try await runWorkerCommand(["config"], environment: environment)
        #expect(config.status == 0, "\(config.output)")
        #expect(config.output.contains("retrieval store    empty"), "\(config.output)")
        #expect(config.output.contains("rag-worker ingest --sample"))
        // `config` never creates the store it describes.
        #expect(!FileManager.default.fileExists(atPath: directory.file("pipeline.sqlite")))

        let check = try await runWorkerCommand(["ingest", "--check"], environment: environment)
        #expect(check.status == 1, "\(check.output)")
        #expect(check.output.contains("the store holds no past work"), "\(check.output)")

        let ingest = try await runWorkerCommand(["ingest", "--sample"], environment: environment)
        #expect(ingest.status == 0, "\(ingest.output)")
        let checked = try await runWorkerCommand(["ingest", "--check"], environment: environment)
        #expect(checked.status == 0, "\(checked.output)")
        let counted = try #require(checked.output.firstMatch(of: #/retrieval can find: (\d+) documents in (\d+) chunks embedded with (\S+)/#))
        #expect(Int(counted.1)! > 5 && Int(counted.2)! > Int(counted.1)!)
        let described = try await runWorkerCommand(["config"], environment: environment)
        #expect(described.output.contains("retrieval store    \(counted.1) documents in \(counted.2) chunks"), "\(described.output)")
    }

    @Test("serve on an empty store warns at start-up, and each job's webhook names the missing past work in `degraded`")
    func servingOnEmptyStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = WebhookReceiver(secret: ServeProcessTests.secret)
        try await withLoopbackServer(receiver.router()) { webhookURL in
            let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: ServeProcessTests.webhookEnvironment(webhookURL))
            let client = CurlHTTPClient()
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(
                method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                body: Data(sampleJob(id: "empty-store").utf8)))
            #expect(response.status == 202)
            try await eventually(timeout: .seconds(20)) { await receiver.acknowledged.count == 1 }
            let delivery = try #require(await receiver.acknowledged.first)
            let degraded = delivery.json["degraded"] as? [String] ?? []
            #expect(degraded.contains { $0.contains("holds no past work") && $0.contains("rag-worker ingest") }, "\(degraded)")
            #expect(try await worker.terminate() == 0)
            #expect(worker.log.contains("the retrieval store holds no past work"))
            #expect(worker.log.contains("rag-worker ingest --sample"))
        }
    }

    @Test("outbox list and retry refuse a data directory where no worker ran, instead of reporting no dead letters")
    func operatorCommandsNeedTheRealStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nowhere = directory.file("never-served")
        for command in [["outbox", "list"], ["outbox", "retry"]] {
            let result = try await runWorkerCommand(command, environment: ["RAG_DATA_DIR": nowhere])
            #expect(result.status != 0, "\(command): \(result.output)")
            #expect(result.output.contains("no job store at"), "\(command): \(result.output)")
            #expect(result.output.contains("RAG_SECRET_ID"))
            #expect(!result.output.contains("No dead letters"))
        }
        #expect(!FileManager.default.fileExists(atPath: nowhere + "/jobs.sqlite"))
    }
}
