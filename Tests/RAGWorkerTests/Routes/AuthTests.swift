import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("HTTP Basic auth")
struct AuthTests {
    static let environment = ["BASIC_AUTH_USER": "n8n", "BASIC_AUTH_PASS": "s3cret-pass"]

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test("without credentials the API answers 401 with WWW-Authenticate; /ping stays open")
    func missingCredentials() async throws {
        try await InProcessWorker.with(environment: Self.environment) { worker in
            let response = try await worker.postJob(sampleJob(id: "a1"))
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"]?.hasPrefix("Basic realm=") == true)
            #expect(response.errorCode == "unauthorized")
            #expect(try await worker.get("/jobs/a1").status == 401)
            #expect(try await worker.get("/ping").status == 200)
        }
    }

    @Test("wrong user, wrong password, a prefix of the password and garbage are all refused")
    func wrongCredentials() async throws {
        try await InProcessWorker.with(environment: Self.environment) { worker in
            for header in [
                Self.basic("n8n", "wrong"), Self.basic("other", "s3cret-pass"), Self.basic("n8n", "s3cret"),
                Self.basic("n8n", "s3cret-pass-and-more"), "Basic !!!not-base64", "Bearer token",
            ] {
                let response = try await worker.postJob(sampleJob(id: "a2"), headers: ["Content-Type": "application/json", "Authorization": header])
                #expect(response.status == 401, "\(header)")
            }
        }
    }

    @Test("the right credentials are accepted for intake and job status")
    func rightCredentials() async throws {
        try await InProcessWorker.with(environment: Self.environment) { worker in
            let auth = Self.basic("n8n", "s3cret-pass")
            let response = try await worker.postJob(sampleJob(id: "a3"), headers: ["Content-Type": "application/json", "Authorization": auth])
            #expect(response.status == 202)
            #expect(try await worker.get("/jobs/a3", headers: ["Authorization": auth]).status == 200)
        }
    }

    @Test("constant-time comparison agrees with ==")
    func constantTimeEquals() {
        let cases: [([UInt8], [UInt8])] = [([], []), ([1], [1]), ([1, 2], [1, 3]), ([1], [1, 0]), ([0], [])]
        for (lhs, rhs) in cases {
            #expect(BasicAuthMiddleware<WorkerRequestContextAlias>.constantTimeEquals(lhs, rhs) == (lhs == rhs))
        }
    }
}
