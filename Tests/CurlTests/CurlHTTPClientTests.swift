import Curl
import Foundation
import Hummingbird
import Testing
import TestSupport

@Suite("CurlHTTPClient against a loopback server")
struct CurlHTTPClientTests {
    private static func echoRouter(recorder: RequestRecorder) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/echo") { request, _ -> Response in
            let recorded = try await recorder.record(request)
            return Response(
                status: .created,
                headers: [.contentType: "application/octet-stream", .init("X-Seen-Method")!: recorded.method],
                body: .init(byteBuffer: .init(bytes: recorded.body))
            )
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(10))
            return "late"
        }
        router.get("/big") { _, _ -> String in
            String(repeating: "x", count: 200_000)
        }
        router.get("/retry-after") { _, _ -> Response in
            Response(status: .tooManyRequests, headers: [.retryAfter: "7"])
        }
        return router
    }

    @Test("a POST body and headers arrive intact and the response comes back whole")
    func postRoundTrip() async throws {
        let recorder = RequestRecorder()
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: recorder)) { baseURL in
            let body = Data((0..<5_000).map { UInt8($0 % 251) })
            let response = try await client.execute(HTTPClientRequest(
                method: .post, url: baseURL + "/echo",
                headers: ["Content-Type": "application/octet-stream", "X-Custom": "value-1"],
                body: body, timeout: .seconds(5)
            ))
            #expect(response.status == 201)
            #expect(response.body == body)
            #expect(response.headers["x-seen-method"] == "POST")
            let seen = try #require(await recorder.requests.first)
            #expect(seen.header("X-Custom") == "value-1")
            #expect(seen.header("Expect") == nil)
        }
    }

    @Test("sequential requests to one host reuse the connection")
    func connectionReuse() async throws {
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            var reused: [Bool] = []
            for _ in 0..<3 {
                let response = try await client.execute(HTTPClientRequest(method: .post, url: baseURL + "/echo", body: Data("a".utf8)))
                reused.append(response.reusedConnection)
            }
            #expect(reused == [false, true, true])
        }
    }

    @Test("a request past its timeout fails with .timedOut, promptly")
    func timeout() async throws {
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            let started = ContinuousClock.now
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(method: .get, url: baseURL + "/slow", timeout: .milliseconds(300)))
            }
            #expect(error?.kind == .timedOut)
            #expect(error?.isRetryable == true)
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    @Test("cancelling the calling task aborts the transfer with CancellationError")
    func cancellation() async throws {
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            let task = Task {
                try await client.execute(HTTPClientRequest(method: .get, url: baseURL + "/slow", timeout: .seconds(30)))
            }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            // The answer would come 10 s after the request: an abort is far sooner, even on a busy machine.
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test("a closed port fails with .connectFailed")
    func connectionRefused() async throws {
        let client = CurlHTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPClientRequest(method: .get, url: "http://127.0.0.1:1/", timeout: .seconds(2)))
        }
        #expect(error?.kind == .connectFailed)
        #expect(error?.host == "127.0.0.1")
    }

    @Test("a body over the client's limit fails with .responseTooLarge")
    func responseLimit() async throws {
        let client = CurlHTTPClient(configuration: .init(maximumResponseBytes: 100_000))
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(method: .get, url: baseURL + "/big"))
            }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    @Test("Retry-After in seconds is read from the response")
    func retryAfter() async throws {
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            let response = try await client.execute(HTTPClientRequest(method: .get, url: baseURL + "/retry-after"))
            #expect(response.status == 429)
            #expect(response.retryAfter() == .seconds(7))
        }
    }

    @Test("fifty concurrent requests all complete")
    func concurrency() async throws {
        let client = CurlHTTPClient()
        try await withLoopbackServer(Self.echoRouter(recorder: RequestRecorder())) { baseURL in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await client.execute(HTTPClientRequest(method: .post, url: baseURL + "/echo", body: Data("\(index)".utf8))).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 50)
            #expect(Set(statuses) == [201])
        }
    }

    @Test("a relative URL is refused before any transfer")
    func invalidURL() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await CurlHTTPClient().execute(HTTPClientRequest(method: .get, url: "/not-absolute"))
        }
        #expect(error?.kind == .invalidRequest)
    }
}
