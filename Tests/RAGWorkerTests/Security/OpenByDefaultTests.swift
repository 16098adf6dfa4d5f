import Curl
import Foundation
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// Finding 3 of the security review, "open by default": the bind address, unauthenticated
/// production outside SageMaker, Basic auth on SageMaker, and a browser's cross-site POST.
@Suite("Security: open by default")
struct OpenByDefaultTests {
    static let production = ConfigurationRulesTests.productionOnDirect
    static func problems(_ environment: [String: String]) -> [ConfigProblem] { ConfigurationRulesTests.problems(environment) }

    @Test("nothing configured: the server listens on loopback only; on SageMaker on every interface (SageMaker connects from outside)")
    func safeDefaultBindAddress() throws {
        #expect(try Config.load(environment: [:]).host == "127.0.0.1")
        #expect(try Config.load(environment: ["RAG_PLATFORM": "sagemaker"]).host == "0.0.0.0")
        #expect(try Config.load(environment: ["HOST": "0.0.0.0"]).host == "0.0.0.0")
    }

    @Test("production on a plain host without Basic auth is refused, and the message names the ways out")
    func unauthenticatedProductionRefused() throws {
        let problems = Self.problems(Self.production)
        #expect(problems.map(\.key) == [ConfigKey.basicAuthUser])
        let message = problems.first?.problem ?? ""
        #expect(message.contains("RAG_PLATFORM=sagemaker") && message.contains("RAG_ALLOW_UNAUTHENTICATED=on"))

        // Each way out: Basic auth, SageMaker, or the explicit opt-out (which warns).
        let withAuth = Self.production.merging(["BASIC_AUTH_USER": "n8n", "BASIC_AUTH_PASS": "a-long-password-0123"]) { $1 }
        #expect(try Config.load(environment: withAuth).warnings.isEmpty)
        #expect(try Config.load(environment: Self.production.merging(["RAG_PLATFORM": "sagemaker"]) { $1 }).warnings.isEmpty)
        let optedOut = try Config.load(environment: Self.production.merging(["RAG_ALLOW_UNAUTHENTICATED": "on"]) { $1 })
        #expect(optedOut.warnings.contains { $0.contains("unauthenticated") && $0.contains("GET /jobs/{id}") })
    }

    @Test("on SageMaker, Basic auth is a configuration error that says why: SageMaker does not forward Authorization")
    func basicAuthOnSageMakerRefused() {
        let problems = Self.problems(["RAG_PLATFORM": "sagemaker", "BASIC_AUTH_USER": "n8n", "BASIC_AUTH_PASS": "a-long-password-0123"])
        #expect(Set(problems.map(\.key)) == [ConfigKey.basicAuthUser, ConfigKey.basicAuthPass])
        #expect(problems.allSatisfy { $0.problem.contains("does not forward") && $0.problem.contains("401") })
    }

    @Test("local profile on every interface without Basic auth starts, with a warning that says who can reach it")
    func openLocalBindWarns() throws {
        let config = try Config.load(environment: ["HOST": "0.0.0.0"])
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("listens on 0.0.0.0") == true)
        #expect(config.summary.contains("warnings"))
        #expect(try Config.load(environment: [:]).warnings.isEmpty)
    }

    @Test("a browser's cross-site POST (no Content-Type, or text/plain) with cached credentials gets 415 and no job is created",
          arguments: [nil, "text/plain", "application/x-www-form-urlencoded"])
    func crossSitePostRefused(contentType: String?) async throws {
        try await InProcessWorker.with(environment: AuthTests.environment) { worker in
            let connection = try await RawConnection(port: worker.port)
            defer { connection.close() }
            let body = sampleJob(id: "cross-site")
            let typeLine = contentType.map { "Content-Type: \($0)\r\n" } ?? ""
            try await connection.send(
                "POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(AuthTests.basic("n8n", "s3cret-pass"))\r\n"
                    + "Origin: https://evil.example\r\n\(typeLine)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let response = try #require(try await connection.readResponse())
            #expect(response.status == 415)
            #expect(response.body.contains("unsupported_media_type"))
            #expect(response.headers["accept"] == "application/json")
            let job = try await worker.get("/jobs/cross-site", headers: ["Authorization": AuthTests.basic("n8n", "s3cret-pass")])
            #expect(job.status == 404)
        }
    }
}

extension InProcessWorker {
    /// The loopback port the worker listens on.
    var port: Int { Int(baseURL.split(separator: ":").last ?? "") ?? 0 }
}
