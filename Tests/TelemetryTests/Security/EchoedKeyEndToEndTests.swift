import Curl
import Foundation
import Testing
import TestSupport
@testable import Telemetry

/// Finding 1 of the security review, end to end: a gateway in front of OpenAI echoes the
/// worker's `Authorization` header into `error.code` and `x-request-id` (padded to 60 KB) on
/// every failure. After a job fails that way, the key is in none of the places an operator or an
/// attacker with log access reads: the process's output, the ring buffer file, CloudWatch Logs
/// (moto, authentication on) and `postmortem`.
@Suite("Security: a provider echoing the key, end to end", .serialized)
struct EchoedKeyEndToEndTests {
    @Test("the echoed key appears nowhere: stdout, ring buffer, moto's log events, postmortem text and JSON")
    func echoedKeyAppearsNowhere() async throws {
        let moto = try await MotoServer.shared()
        let key = "sk-echo-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let double = OpenAIDouble(apiKey: key)
        await double.embeddingFaults.enqueue(.echoAuthorization(status: 503, paddingBytes: 60_000), times: 20)
        let id = UUID().uuidString.prefix(8).lowercased()
        let group = "/rag-worker/echo-\(id)"
        let stream = "host/\(id)"
        try await withLoopbackServer(double.router()) { openAIURL in
            try await withTemporaryDirectory { directory in
                let environment = moto.environment.merging([
                    "OPENAI_API_KEY": key, "OPENAI_BASE_URL": openAIURL + "/v1",
                    "RAG_CLOUDWATCH": "on", "RAG_ENDPOINT_NAME": "echo-\(id)", "RAG_LOG_GROUP": group, "RAG_LOG_STREAM": stream,
                    "RAG_METRICS_NAMESPACE": "RAGWorkerEcho\(id)", "RAG_LOGS_FLUSH_SECONDS": "0.2",
                ]) { $1 }
                let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: environment)
                let http = CurlHTTPClient()
                defer { http.shutdown() }
                let accepted = try await http.execute(HTTPClientRequest(
                    method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                    body: Data(sampleJob(id: "echo-1").utf8), timeout: .seconds(10)))
                #expect(accepted.status == 202)
                var status = ""
                let deadline = ContinuousClock.now + .seconds(60)
                while status != "failed" && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    let job = try await http.execute(HTTPClientRequest(method: .get, url: worker.baseURL + "/jobs/echo-1", timeout: .seconds(5)))
                    status = job.json["status"] as? String ?? ""
                }
                #expect(status == "failed")
                #expect(try await worker.terminate() == 0)

                // The gateway really echoed the key, more than once (retries), so the places below had the chance to hold it.
                let echoed = await double.embeddings.requests.filter { $0.header("Authorization") == "Bearer \(key)" }
                #expect(echoed.count >= 2)

                let pieces = Self.pieces(of: key)
                func leaks(_ text: String) -> Bool { pieces.contains { text.contains($0) } }

                let stdout = worker.log
                #expect(stdout.contains(UntrustedText.withheld), "the echoing failures were logged, sanitized")
                #expect(!leaks(stdout), "stdout")
                #expect((stdout.split(separator: "\n").map(\.utf8.count).max() ?? 0) < 16_384, "a line carried the 60 KB request id")

                var ringBuffer = Data()
                for file in ["telemetry.sqlite", "telemetry.sqlite-wal"] where FileManager.default.fileExists(atPath: directory.file(file)) {
                    ringBuffer.append(try Data(contentsOf: URL(fileURLWithPath: directory.file(file))))
                }
                #expect(!ringBuffer.isEmpty)
                #expect(!pieces.contains { ringBuffer.range(of: Data($0.utf8)) != nil }, "ring buffer file")

                let exported = try await MotoReadBack(client: moto.client(), namespace: "RAGWorkerEcho\(id)", endpointName: "echo-\(id)")
                    .messages(group: group, stream: stream)
                #expect(exported.contains { $0.contains(UntrustedText.withheld) }, "the sanitized failures reached CloudWatch")
                #expect(!exported.contains(where: leaks), "moto's log events")

                for arguments in [["postmortem", "--data-dir", directory.path, "--job", "echo-1"],
                                  ["postmortem", "--data-dir", directory.path, "--since", "1h"],
                                  ["postmortem", "--data-dir", directory.path, "--since", "1h", "--json"]] {
                    let result = try await runWorkerCommand(arguments, environment: [:])
                    #expect(result.status == 0, "\(result.output)")
                    #expect(!leaks(result.output), "\(arguments.joined(separator: " "))")
                }
            }
        }
    }

    /// Every 16-character piece of `key`: none may appear anywhere.
    static func pieces(of key: String) -> [String] {
        let characters = Array(key)
        return (0...(characters.count - 16)).map { String(characters[$0..<($0 + 16)]) }
    }
}
