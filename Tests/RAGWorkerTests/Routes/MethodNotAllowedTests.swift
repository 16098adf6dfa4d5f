import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// A method a route does not take is 405 with `Allow` (RFC 9110, section 15.5.6), not the 404 that
/// says the resource does not exist; schemathesis checks the same against docs/openapi.yaml.
@Suite("Unlisted methods")
struct MethodNotAllowedTests {
    private static func call(_ worker: InProcessWorker, _ method: String, _ path: String, headers: HTTPHeaders = [:]) async throws -> HTTPClientResponse {
        try await worker.http.execute(HTTPClientRequest(
            method: HTTPMethod(rawValue: method), url: worker.baseURL + path, headers: headers, timeout: .seconds(10)))
    }

    @Test("TRACE, PUT, DELETE and OPTIONS on the API's paths answer 405, Allow naming the methods the path takes, with the JSON error")
    func unlistedMethods() async throws {
        try await InProcessWorker.with { worker in
            let cases: [(String, String, String)] = [
                ("TRACE", "/ping", "GET"), ("POST", "/ping", "GET"), ("TRACE", "/invocations", "POST"),
                ("GET", "/invocations", "POST"), ("PUT", "/invocations", "POST"), ("DELETE", "/jobs/some-job", "GET"),
                ("OPTIONS", "/jobs/some-job", "GET"),
            ]
            for (method, path, allowed) in cases {
                let response = try await Self.call(worker, method, path)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.headers["Allow"] == allowed, "\(method) \(path)")
                #expect(response.errorCode == "method_not_allowed", "\(method) \(path)")
            }
            // What the routes do take still works, and a path that is not there is still 404.
            #expect(try await Self.call(worker, "GET", "/ping").status == 200)
            #expect(try await Self.call(worker, "GET", "/jobs/some-job").status == 404)
            #expect(try await Self.call(worker, "TRACE", "/nowhere").status == 404)
            #expect(try await Self.call(worker, "GET", "/jobs/a/b").status == 404)
        }
    }

    @Test("with Basic auth configured, a wrong method is 405 before any credentials are asked for")
    func beforeAuthentication() async throws {
        try await InProcessWorker.with(environment: AuthTests.environment) { worker in
            let response = try await Self.call(worker, "TRACE", "/invocations")
            #expect(response.status == 405)
            #expect(response.headers["Allow"] == "POST")
            #expect(try await Self.call(worker, "POST", "/invocations", headers: ["Content-Type": "application/json"]).status == 401)
        }
    }
}
