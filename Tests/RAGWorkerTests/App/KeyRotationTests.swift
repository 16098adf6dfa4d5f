import AWS
import Curl
import Foundation
import Logging
import MetricsTestKit
import RAGPipeline
import Synchronization
import Testing
import TestSupport
import Tracing

@testable import RAGWorker
@testable import WorkerTestSupport

/// Counts the Secrets Manager fetches made through it.
private final class CountingHTTPClient: HTTPClient {
    let base: CurlHTTPClient
    private let fetches = Atomic<Int>(0)

    init(base: CurlHTTPClient) {
        self.base = base
    }

    var secretFetches: Int { fetches.load(ordering: .acquiring) }

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        if request.headers["X-Amz-Target"] == "secretsmanager.GetSecretValue" {
            fetches.add(1, ordering: .acquiringAndReleasing)
        }
        return try await base.execute(request)
    }
}

/// Issue 28, item 2: a provider key rotated in Secrets Manager and the old one revoked.
@Suite("Rotated provider keys", .serialized)
struct KeyRotationTests {
    static let oldKey = "sk-rotation-old-0123456789"
    static let newKey = "sk-rotation-new-9876543210"

    @Test("after a rotation that revokes the old key, the next jobs succeed with the new key, and a burst of 401s costs one secret fetch")
    func rotationPickedUpAtOnce() async throws {
        let moto = try await MotoServer.shared()
        let secrets = SecretsManagerClient(client: moto.client())
        let name = "rag-worker/rotate-\(UUID().uuidString.prefix(8))"
        _ = try await secrets.createSecret(name: name, string: #"{"OPENAI_API_KEY": "\#(Self.oldKey)"}"#)
        let openAI = OpenAIDouble(apiKey: Self.oldKey)
        var logger = Logger(label: "test.rotation")
        logger.logLevel = .critical
        let quiet = logger
        let curl = CurlHTTPClient()
        defer { curl.shutdown() }
        let http = CountingHTTPClient(base: curl)
        try await withTemporaryDirectory { directory in
            try await withLoopbackServer(openAI.router()) { openAIURL in
                // As `serve` wires it: the secret read at start-up (TTL one hour), providers that
                // ask for a refresh on a 401.
                let environment = inProcessWorkerEnvironment(dataDirectory: directory.path, moto.environment.merging([
                    "RAG_SECRET_ID": name, "OPENAI_BASE_URL": openAIURL + "/v1",
                ]) { $1 })
                let (config, cached) = try await Config.load(environment: environment, httpClient: http, logger: quiet)
                let secret = try #require(cached)
                let refresh = SecretRefreshService(secret: secret, secretID: name, secrets: config.secrets, interval: config.secretTTL, logger: quiet)
                let metrics = TestMetrics()
                let components = try await PipelineFactory.make(
                    settings: config.pipelineSettings(refreshSecrets: { await refresh.refreshAfterRejection() }),
                    httpClient: curl, tracer: NoOpTracer(), metrics: metrics, logger: quiet)
                let runtime = try WorkerRuntime(
                    config: config, pipeline: components.pipeline, httpClient: curl, metricsFactory: metrics, tracer: NoOpTracer(), logger: quiet)
                try await withListeningServiceGroup(logger: quiet, services: { runtime.services(onListening: $0) }) { group, baseURL in
                    let worker = InProcessWorker(baseURL: baseURL, runtime: runtime, metrics: metrics, http: curl, group: group)
                    try await eventually(timeout: .seconds(20)) { try await worker.get("/ping").status == 200 }
                    _ = try await worker.postJob(sampleJob(id: "before"))
                    let before = try await worker.waitForJob("before") { ["succeeded", "failed"].contains($0["status"] as? String) }
                    #expect(before["status"] as? String == "succeeded")
                    let fetchesBefore = http.secretFetches

                    // Rotation: the secret holds the new key, and the old one is revoked.
                    _ = try await secrets.putSecretValue(id: name, string: #"{"OPENAI_API_KEY": "\#(Self.newKey)"}"#)
                    openAI.acceptedKeys = [Self.newKey]

                    let burst = (1...4).map { "after-\($0)" }
                    for id in burst { _ = try await worker.postJob(sampleJob(id: id)) }
                    for id in burst {
                        let job = try await worker.waitForJob(id, timeout: .seconds(30)) { ["succeeded", "failed"].contains($0["status"] as? String) }
                        #expect(job["status"] as? String == "succeeded", "\(id): \(job["error"] ?? "")")
                    }
                    #expect(http.secretFetches - fetchesBefore == 1, "secret fetches for the burst of 401s: \(http.secretFetches - fetchesBefore)")
                    let rejected = await openAI.embeddings.requests.filter { $0.header("Authorization") == "Bearer \(Self.oldKey)" }.count
                    #expect(rejected >= 1, "the old key was tried and refused")
                }
            }
        }
    }
}
