import Curl
import Foundation
import MetricsTestKit
import RAGPipeline
import Telemetry
import Testing
import TestSupport

@testable import RAGWorker
@testable import WorkerTestSupport

@Suite("POST /invocations over HTTP")
struct InvocationsTests {
    @Test("a valid job is accepted with 202, its id, a status and a W3C trace id")
    func accepted() async throws {
        try await InProcessWorker.with { worker in
            let response = try await worker.postJob(sampleJob(id: "job-1"))
            #expect(response.status == 202)
            #expect(response.json["job_id"] as? String == "job-1")
            #expect(response.json["status"] as? String == "queued")
            let traceID = try #require(response.json["trace_id"] as? String)
            #expect(traceID.count == 32 && traceID.allSatisfy(\.isHexDigit))
            #expect(response.headers["Location"] == "/jobs/job-1")
            let counter = try worker.metrics.expectCounter(MetricCatalogue.jobsAccepted.name)
            #expect(counter.totalValue == 1)
        }
    }

    @Test("posting the same job_id again returns the existing job with 200 and never runs it twice")
    func idempotentRepost() async throws {
        try await InProcessWorker.with { worker in
            let first = try await worker.postJob(sampleJob(id: "same"))
            #expect(first.status == 202)
            _ = try await worker.waitForJob("same") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
            let second = try await worker.postJob(sampleJob(id: "same", extra: #", "skills": ["different"]"#))
            #expect(second.status == 200)
            #expect(second.json["status"] as? String == "succeeded")
            #expect(second.json["trace_id"] as? String == first.json["trace_id"] as? String)
            let job = try await worker.waitForJob("same") { _ in true }
            #expect(job["attempts"] as? Int == 1)
            #expect(try worker.metrics.expectCounter(MetricCatalogue.jobsAccepted.name).totalValue == 1)
        }
    }

    @Test("with the real pipeline, every stage's latency is recorded once per job: StageLatency counts what ran")
    func stageLatencyOncePerJob() async throws {
        try await InProcessWorker.with { worker in
            let ids = ["latency-1", "latency-2", "latency-3"]
            for id in ids {
                #expect(try await worker.postJob(sampleJob(id: id)).status == 202)
            }
            for id in ids {
                _ = try await worker.waitForJob(id) { value($0, at: ["delivery", "status"]) as? String == "delivered" }
            }
            for stage in StageTimeouts.pipelineStages {
                let timer = try worker.metrics.expectTimer(MetricCatalogue.stageLatency.name, [(MetricDimension.stage.rawValue, stage.rawValue)])
                #expect(timer.values.count == ids.count, "StageLatency values for \(stage.rawValue)")
            }
            #expect(try worker.metrics.expectTimer(MetricCatalogue.stageLatency.name, [(MetricDimension.stage.rawValue, "validate")]).values.count == ids.count)
        }
    }

    @Test("a NUL character in any string, metadata included, and a job_id short in characters but long in bytes get 422 naming the field")
    func nulAndJobIDBytes() async throws {
        try await InProcessWorker.with { worker in
            let nul = try await worker.postJob(#"""
                {"job_id": "nul-1", "title": "t", "description": "a\u0000b", "skills": ["ok", "x\u0000"],
                 "metadata": {"n8n": {"note": "z\u0000"}}}
                """#)
            #expect(nul.status == 422)
            #expect(nul.errorFields["description"]?.contains("NUL") == true)
            #expect(nul.errorFields["skills[1]"]?.contains("NUL") == true)
            #expect(nul.errorFields["metadata.n8n.note"]?.contains("NUL") == true)

            let combining = "a" + String(repeating: "\u{301}", count: 200)
            #expect(combining.count == 1)
            let long = try await worker.postJob(#"{"job_id": "\#(combining)", "title": "t", "description": "d"}"#)
            #expect(long.status == 422)
            #expect(long.errorFields["job_id"]?.contains("bytes") == true)
            let stored = try await worker.get("/jobs/nul-1")
            #expect(stored.status == 404, "a refused job is not stored")
        }
    }

    @Test("metadata of 50,000 tiny values is refused with 400 before parsing; 1,000 are accepted")
    func tooManyValues() async throws {
        try await InProcessWorker.with { worker in
            func body(_ id: String, values: Int) -> String {
                let many = Array(repeating: "{}", count: values).joined(separator: ",")
                return #"{"job_id": "\#(id)", "title": "t", "description": "d", "metadata": {"items": [\#(many)]}}"#
            }
            let refused = try await worker.postJob(body("many-values", values: 50_000))
            #expect(refused.status == 400)
            #expect(refused.errorCode == "malformed_json")
            #expect((value(refused.json, at: ["error", "message"]) as? String)?.contains("more than 20000 values") == true)
            #expect(try await worker.get("/jobs/many-values").status == 404)
            #expect(try await worker.postJob(body("some-values", values: 1_000)).status == 202)
        }
    }

    @Test("malformed, truncated or non-UTF-8 JSON gets 400 with code malformed_json")
    func malformed() async throws {
        try await InProcessWorker.with { worker in
            for body in [Data("{not json".utf8), Data(#"{"job_id": "a", "title": "#.utf8), Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]), Data()] {
                let response = try await worker.post("/invocations", body: body)
                #expect(response.status == 400, "body \(body.count) bytes")
                #expect(response.errorCode == "malformed_json")
            }
        }
    }

    @Test("missing and wrongly typed fields get 422 listing every field path")
    func invalidFields() async throws {
        try await InProcessWorker.with { worker in
            let response = try await worker.postJob(#"""
                {"job_id": "", "title": 42, "skills": ["ok", 7], "budget": {"type": "weekly", "min": 50, "max": 10},
                 "client": {"rating": 9}, "url": "ftp://x", "questions": "why?", "metadata": [1]}
                """#)
            #expect(response.status == 422)
            #expect(response.errorCode == "invalid_request")
            let fields = response.errorFields
            #expect(Set(fields.keys) == [
                "job_id", "title", "description", "skills[1]", "budget.type", "budget.max", "client.rating", "url", "questions", "metadata",
            ])
            #expect(fields["title"] == "must be a string, got number")
            #expect(fields["description"] == "is required")
        }
    }

    @Test("a JSON value that is not an object gets 422 at path $")
    func notAnObject() async throws {
        try await InProcessWorker.with { worker in
            let response = try await worker.postJob("[1, 2, 3]")
            #expect(response.status == 422)
            #expect(response.errorFields["$"] == "must be a JSON object, got array")
        }
    }

    @Test("a body over the limit gets 413, whether announced by Content-Length or not")
    func tooLarge() async throws {
        try await InProcessWorker.with(environment: ["RAG_MAX_BODY_BYTES": "2048"]) { worker in
            let big = sampleJob(id: "big", extra: #", "metadata": {"pad": "\#(String(repeating: "x", count: 4000))"}"#)
            let response = try await worker.postJob(big)
            #expect(response.status == 413)
            #expect(response.errorCode == "body_too_large")
            let chunked = try await worker.postJob(big, headers: ["Content-Type": "application/json", "Transfer-Encoding": "chunked"])
            #expect(chunked.status == 413)
            let ping = try await worker.get("/ping")
            #expect(ping.status == 200)
        }
    }

    @Test("a non-JSON content type gets 415")
    func unsupportedMediaType() async throws {
        try await InProcessWorker.with { worker in
            let response = try await worker.postJob(sampleJob(id: "x"), headers: ["Content-Type": "text/plain"])
            #expect(response.status == 415)
            #expect(response.errorCode == "unsupported_media_type")
            let charset = try await worker.postJob(sampleJob(id: "y"), headers: ["Content-Type": "application/json; charset=utf-8"])
            #expect(charset.status == 202)
        }
    }

    @Test("over the backlog limit new jobs get 429 with Retry-After and are counted; re-posts still answer")
    func backpressure() async throws {
        try await InProcessWorker.with(environment: ["RAG_MAX_BACKLOG": "3", "RAG_CONCURRENCY": "1"], pipeline: BlockingPipeline()) { worker in
            var statuses: [Int] = []
            for index in 0..<5 {
                statuses.append(try await worker.postJob(sampleJob(id: "bp-\(index)")).status)
            }
            #expect(statuses == [202, 202, 202, 429, 429])
            let rejected = try await worker.postJob(sampleJob(id: "bp-9"))
            #expect(rejected.headers["Retry-After"] == "10")
            #expect(rejected.errorCode == "backlog_full")
            // InvokeEndpoint drops the header (the caller gets a ModelError carrying the body): the body repeats it.
            #expect((rejected.json["error"] as? [String: Any])?["retry_after_seconds"] as? Int == 10)
            #expect(try worker.metrics.expectCounter(MetricCatalogue.jobsRejected.name).totalValue == 3)
            let repost = try await worker.postJob(sampleJob(id: "bp-0"))
            #expect(repost.status == 200)
        }
    }

    @Test("GET /jobs/{id} of an unknown job is 404")
    func unknownJob() async throws {
        try await InProcessWorker.with { worker in
            let response = try await worker.get("/jobs/nope")
            #expect(response.status == 404)
            #expect(response.errorCode == "not_found")
        }
    }

    @Test("a finished job shows its result, stage timings and delivery")
    func jobView() async throws {
        try await InProcessWorker.with { worker in
            _ = try await worker.postJob(sampleJob(id: "view-1", extra: #", "questions": ["When can you start?"]"#))
            let job = try await worker.waitForJob("view-1") { value($0, at: ["delivery", "status"]) as? String == "delivered" }
            #expect(job["status"] as? String == "succeeded")
            let stages = (job["stages"] as? [[String: Any]] ?? []).compactMap { $0["stage"] as? String }
            #expect(stages == ["embed", "retrieve", "keyword-boost", "rerank", "generate", "persist"])
            for stage in job["stages"] as? [[String: Any]] ?? [] {
                #expect((stage["milliseconds"] as? Double ?? -1) >= 0 && stage["attempts"] as? Int == 1)
                #expect(["ok", "skipped"].contains(stage["outcome"] as? String ?? "-"))
                #expect(stage["provider"] is String)
            }
            let answers = value(job, at: ["result", "proposal", "answers"]) as? [[String: Any]]
            #expect(answers?.first?["question"] as? String == "When can you start?")
        }
    }
}
