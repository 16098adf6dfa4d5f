import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker

/// The shared job store (Postgres) goes down under a running worker, then comes back: callers are
/// refused at once and told so, and SageMaker's health check sees it.
@Suite("Job store outage", .serialized)
struct StoreOutageTests {
    @Test("Postgres stopped: /invocations answers 503 with Retry-After within 2 s and /ping is not 200; once it is back, both recover")
    func postgresOutage() async throws {
        try await withPostgresServer { server in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: [
                "DATABASE_URL": server.url,
                "RAG_ACCEPT_TIMEOUT_SECONDS": "1.5",  // the production default, which the harness raises
            ])
            let client = CurlHTTPClient()
            defer { client.shutdown() }
            @Sendable func post(_ id: String) async throws -> (HTTPClientResponse, Duration) {
                let started = ContinuousClock.now
                let response = try await client.execute(HTTPClientRequest(
                    method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
                    body: Data(sampleJob(id: id).utf8), timeout: .seconds(10)))
                return (response, ContinuousClock.now - started)
            }
            @Sendable func ping() async throws -> HTTPClientResponse {
                try await client.execute(HTTPClientRequest(method: .get, url: worker.baseURL + "/ping", timeout: .seconds(5)))
            }
            #expect(try await post("before-outage").0.status == 202)
            #expect(try await ping().status == 200)

            try await server.halt()
            // The first request may find the store down before the probe does: still within 2 s.
            let (first, firstTook) = try await post("during-outage-1")
            #expect(first.status == 503)
            #expect(first.headers["Retry-After"] != nil)
            #expect(firstTook < .seconds(2), "the first refusal took \(firstTook)")
            try await eventually(timeout: .seconds(10)) { try await ping().status == 503 }
            let unreachable = try await ping()
            #expect(String(decoding: unreachable.body, as: UTF8.self).contains("store_unreachable"))
            let (second, secondTook) = try await post("during-outage-2")
            #expect(second.status == 503 && secondTook < .seconds(2), "status \(second.status) after \(secondTook)")

            try await server.resume()
            try await eventually(timeout: .seconds(15)) { try await ping().status == 200 }
            #expect(try await post("after-outage").0.status == 202)
            // A graceful stop right after Postgres came back can wait on a query PostgresNIO does not
            // cancel (the drain on Postgres is issue 28's); this test is about the outage itself.
            try await worker.kill()
            #expect(worker.log.contains("the job store does not answer"))
            #expect(worker.log.contains("the job store answers again"))
        }
    }
}
