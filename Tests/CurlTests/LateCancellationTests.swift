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
        // The server answers once the test lets it, so the cancellation lands while the live
        // transfer is in flight.
        let arrived = Atomic<Bool>(false)
        let answer = Atomic<Bool>(false)
        let router = Router()
        router.get("/answer") { _, _ -> String in
            arrived.store(true, ordering: .releasing)
            while !answer.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
            return "fine"
        }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withLoopbackServer(router) { baseURL in
            let live = try CurlTransfer(
                request: HTTPClientRequest(method: .get, url: baseURL + "/answer", timeout: .seconds(30)),
                configuration: client.configuration
            )
            let engine = client.engine
            let received = Mutex<String?>(nil)
            // Unstructured: before the fix this never completes, and the test must still end.
            Task {
                let response = try? await withCheckedThrowingContinuation { continuation in
                    live.attach(continuation)
                    engine.submit(live)
                }
                received.withLock { $0 = response.map { String(decoding: $0.body, as: UTF8.self) } ?? "failed" }
            }
            while !arrived.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }

            // The interleaving of the race: a transfer ended, freed its easy handle, libcurl gave
            // the address to `live`, and only then did the ended transfer's cancellation arrive.
            engine.cancel(CurlTransfer(endedTransferSharingHandleWith: live))
            // The engine thread handles the cancellation at once (it is woken for it); the answer
            // comes a second later. Before the fix, `live` had left the multi handle by then.
            try await Task.sleep(for: .seconds(1))
            answer.store(true, ordering: .releasing)

            let deadline = ContinuousClock.now + .seconds(15)
            while received.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(received.withLock { $0 } == "fine", "the live transfer must complete with its own answer")
        }
    }
}
