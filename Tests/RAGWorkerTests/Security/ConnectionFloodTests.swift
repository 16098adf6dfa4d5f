import Curl
import Foundation
import Testing
import TestSupport

/// Finding 2 of the security review: connections that send nothing, or half a request, were
/// kept forever; with a 256-descriptor limit 300 of them made `/ping` time out. Now the idle
/// timeout, the request timeout and the connection limit (derived from the descriptor limit)
/// bound what such a flood can hold.
@Suite("Security: idle and half-sent connection flood", .serialized)
struct ConnectionFloodTests {
    static let idleTimeoutSeconds = 2

    @Test("256 descriptors, 150 idle and 150 half-sent connections: /ping answers within 2 s, a job is accepted, every flood connection is closed within its timeout")
    func floodLeavesPingAnswering() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: [
            "RAG_HTTP_IDLE_TIMEOUT_SECONDS": "\(Self.idleTimeoutSeconds)", "RAG_HTTP_REQUEST_TIMEOUT_SECONDS": "\(Self.idleTimeoutSeconds)",
        ], openFileLimit: 256)
        var flood: [RawConnection] = []
        defer { flood.forEach { $0.close() } }
        for index in 0..<300 {
            let connection = try await RawConnection(port: worker.port)
            if index % 2 == 1 {
                // Declares 100 bytes, sends 1: the server waits for 99 more that never come.
                try await connection.send("POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            }
            flood.append(connection)
        }
        let floodSent = ContinuousClock.now

        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let ping = try await client.execute(HTTPClientRequest(method: .get, url: worker.baseURL + "/ping", timeout: .seconds(2)))
        #expect(ping.status == 200)
        let job = try await client.execute(HTTPClientRequest(
            method: .post, url: worker.baseURL + "/invocations", headers: ["Content-Type": "application/json"],
            body: Data(sampleJob(id: "during-flood").utf8), timeout: .seconds(2)))
        #expect(job.status == 202)

        // Each flood connection is closed by the server (evicted for a newer one, or at its
        // timeout): all of them within the timeout after the flood, plus a margin for a loaded machine.
        let deadline = floodSent + .seconds(Self.idleTimeoutSeconds + 3)
        var open = 0
        for connection in flood where !(try await connection.waitForClose(timeout: max(.milliseconds(50), deadline - .now))) {
            open += 1
        }
        #expect(open == 0, "\(open) flood connections still open")
        #expect(worker.log.contains("connection limit reached"))
        #expect(worker.isRunning)
        #expect(try await worker.terminate() == 0)
    }

    @Test("one idle connection alone is closed after the idle timeout, not before half of it")
    func idleConnectionClosed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let worker = try await WorkerProcess.start(dataDirectory: directory.path, environment: ["RAG_HTTP_IDLE_TIMEOUT_SECONDS": "\(Self.idleTimeoutSeconds)"])
        let connection = try await RawConnection(port: worker.port)
        defer { connection.close() }
        #expect(try await connection.waitForClose(timeout: .seconds(1)) == false)
        #expect(try await connection.waitForClose(timeout: .seconds(Self.idleTimeoutSeconds + 3)))
        #expect(try await worker.terminate() == 0)
    }
}
