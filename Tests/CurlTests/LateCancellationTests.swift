import Foundation
import Hummingbird
import Synchronization
import Testing
import TestSupport

@testable import Curl

@Suite("CurlMultiEngine: a late cancellation")
struct LateCancellationTests {
    @Test("the cancellation of a transfer that ended and freed its handle leaves the transfer now at that address alone")
    func lateCancellationOfAReusedHandle() async throws {
        let router = Router()
        router.get("/answer") { _, _ -> String in
            try await Task.sleep(for: .milliseconds(200))
            return "fine"
        }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackServer(router) { baseURL in
            let live = try CurlTransfer(
                request: HTTPClientRequest(method: .get, url: baseURL + "/answer", timeout: .seconds(20)),
                configuration: client.configuration
            )
            let engine = client.engine
            let answer = Mutex<String?>(nil)
            // Unstructured: before the fix this never completes, and the test must still end.
            Task {
                let response = try? await withCheckedThrowingContinuation { continuation in
                    live.attach(continuation)
                    engine.submit(live)
                }
                answer.withLock { $0 = response.map { String(decoding: $0.body, as: UTF8.self) } ?? "failed" }
            }
            // The interleaving of the race: a transfer ended, freed its easy handle, libcurl gave
            // the address to `live`, and only then did the ended transfer's cancellation arrive.
            engine.cancel(CurlTransfer(endedTransferSharingHandleWith: live))

            // Before the fix the engine took `live` out of the multi handle: it never completed.
            let deadline = ContinuousClock.now + .seconds(15)
            while answer.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(answer.withLock { $0 } == "fine", "the live transfer must complete with its own answer")
        }
    }
}
