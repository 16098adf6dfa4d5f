import Curl
import Foundation
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

/// Findings 8, 10 and 12 of the security review: job ids that look alike, ids that reorder or
/// break a line, the `Location` of a 202 that answered 404, and `metadata` without a size cap.
@Suite("Security: job ids and metadata")
struct JobIdentityTests {
    @Test("\"café\" composed and decomposed are one job: the second post answers 200 with the first's trace")
    func canonicallyEquivalentIDs() async throws {
        try await InProcessWorker.with(pipeline: BlockingPipeline()) { worker in
            let composed = "caf\u{E9}-1"
            let decomposed = "cafe\u{301}-1"
            #expect(composed.utf8.count != decomposed.utf8.count)
            let first = try await worker.postJob(sampleJob(id: composed))
            let second = try await worker.postJob(sampleJob(id: decomposed))
            #expect(first.status == 202)
            #expect(second.status == 200)
            #expect(second.json["trace_id"] as? String == first.json["trace_id"] as? String)
            #expect(second.json["job_id"] as? String == composed)
        }
    }

    @Test("ids with a direction override, a zero-width space, a line or paragraph separator, or a private-use character get 422",
          arguments: ["invoice\u{202E}fdp.exe", "a\u{200B}b", "line\u{2028}break", "para\u{2029}graph", "private\u{E000}", "soft\u{AD}hyphen"])
    func unprintableIDsRefused(id: String) async throws {
        try await InProcessWorker.with { worker in
            let body = try JSONSerialization.data(withJSONObject: ["job_id": id, "title": "t", "description": "d"])
            let response = try await worker.post("/invocations", body: body)
            #expect(response.status == 422)
            #expect(response.errorFields["job_id"]?.contains("printable") == true)
        }
    }

    @Test("the Location of a 202 answers: ids with spaces, percent signs, '?' and non-ASCII letters are found at it")
    func locationIsFollowable() async throws {
        try await InProcessWorker.with(pipeline: BlockingPipeline()) { worker in
            for id in ["x y", "50% off", "what?", "naïve #1"] {
                let body = try JSONSerialization.data(withJSONObject: ["job_id": id, "title": "t", "description": "d"])
                let accepted = try await worker.post("/invocations", body: body)
                #expect(accepted.status == 202)
                let location = try #require(accepted.headers["Location"])
                let job = try await worker.get(location)
                #expect(job.status == 200, "\(id) at \(location)")
                #expect(job.json["job_id"] as? String == id)
            }
        }
    }

    @Test("metadata over 16 KiB gets 422 naming the field; 16 KiB of ids and labels are fine")
    func metadataCapped() async throws {
        try await InProcessWorker.with(pipeline: BlockingPipeline()) { worker in
            let large = #", "metadata": {"blob": "\#(String(repeating: "x", count: 100_000))"}"#
            let refused = try await worker.postJob(sampleJob(id: "meta-big", extra: large))
            #expect(refused.status == 422)
            #expect(refused.errorFields["metadata"]?.contains("16384 bytes") == true)
            let fine = #", "metadata": {"n8n_execution_id": "4711", "labels": "\#(String(repeating: "y", count: 15_000))"}"#
            #expect(try await worker.postJob(sampleJob(id: "meta-ok", extra: fine)).status == 202)
        }
    }
}
