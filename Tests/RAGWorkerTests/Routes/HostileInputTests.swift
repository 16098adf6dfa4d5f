import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("Hostile input never gives a 5xx")
struct HostileInputTests {

    /// Deterministic pseudo-random bytes, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func hostileBodies() throws -> [(String, Data)] {
        var bodies: [(String, Data)] = [
            ("deeply nested arrays", Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)),
            ("deeply nested objects", Data((String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_000)).utf8)),
            ("nested metadata", Data(#"{"job_id":"n","title":"t","description":"d","metadata":\#(String(repeating: "[", count: 40))\#(String(repeating: "]", count: 40))}"#.utf8)),
            ("invalid UTF-8", Data([0x7B, 0x22, 0x6A, 0x6F, 0x62, 0x5F, 0x69, 0x64, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])),
            ("lone surrogate escape", Data(#"{"job_id":"\ud800","title":"t","description":"d"}"#.utf8)),
            ("NUL bytes", Data([0x00, 0x00, 0x7B, 0x7D])),
            ("huge number", Data(#"{"job_id":"x","title":"t","description":"d","budget":{"type":"fixed","min":1e400}}"#.utf8)),
            ("wrong types everywhere", Data(#"{"job_id":1,"title":[],"description":{},"skills":"a","budget":[],"client":"c","questions":7,"metadata":"m"}"#.utf8)),
            ("control characters in id", Data(#"{"job_id":"a\u0000b","title":"t","description":"d"}"#.utf8)),
            ("slash in id", Data(#"{"job_id":"a/b","title":"t","description":"d"}"#.utf8)),
            ("very long id", Data(#"{"job_id":"\#(String(repeating: "x", count: 5000))","title":"t","description":"d"}"#.utf8)),
            ("only whitespace", Data("   \n\t ".utf8)),
            ("a string", Data(#""just a string""#.utf8)),
            ("null", Data("null".utf8)),
            ("duplicate keys", Data(#"{"job_id":"a","job_id":"b","title":"t","description":"d"}"#.utf8)),
        ]
        let valid = Array(try Data(contentsOf: PackagePaths.fixtureJob("rag-chatbot")))
        var generator = SplitMix(state: 2026)
        for index in 0..<150 {
            var bytes = valid
            switch index % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            default:
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes.insert(contentsOf: Array(#"{"[,:"\"#.utf8).shuffled(using: &generator), at: position)
            }
            bodies.append(("mutation \(index)", Data(bytes)))
        }
        return bodies
    }

    @Test("malformed, truncated, deeply nested, invalid UTF-8, wrong types and mutated bodies all get a 4xx or 2xx, and /ping still answers")
    func fuzz() async throws {
        try await InProcessWorker.with(environment: ["RAG_MAX_BODY_BYTES": "262144"]) { worker in
            var statuses: [Int: Int] = [:]
            for (name, body) in try Self.hostileBodies() {
                let response = try await worker.post("/invocations", body: body)
                #expect(response.status < 500, "\(name) gave \(response.status)")
                #expect(response.status == 202 || response.status == 200 || response.errorCode != nil, "\(name): error body missing")
                statuses[response.status, default: 0] += 1
            }
            let huge = try await worker.post("/invocations", body: Data(count: 1_000_000))
            #expect(huge.status == 413)
            #expect(try await worker.get("/ping").status == 200)
            #expect(statuses[400, default: 0] > 0 && statuses[422, default: 0] > 0)
        }
    }
}
