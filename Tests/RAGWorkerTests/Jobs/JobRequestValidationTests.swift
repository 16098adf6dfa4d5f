import Foundation
import RAGPipeline
import Testing
import TestSupport

@testable import RAGWorker

@Suite("Job request validation")
struct JobRequestValidationTests {
    @Test("every sample fixture is a valid job", arguments: ["aws-data-pipeline", "minimal", "rag-chatbot", "shopify-theme", "swift-ios-rewrite"])
    func fixtures(name: String) throws {
        let data = try Data(contentsOf: PackagePaths.fixtureJob(name))
        let request = try JobRequest.decode(from: Array(data)).get()
        #expect(!request.jobID.isEmpty)
    }

    @Test("optional fields are read, trimmed and normalised")
    func normalised() throws {
        let body = #"{"job_id":" j-1 ","title":" T ","description":"D","skills":[" Swift "],"budget":{"type":"Hourly","min":10,"max":20,"currency":"usd"},"client":{"hires":3,"total_spent":5.5},"unknown":1}"#
        let request = try JobRequest.decode(from: Array(body.utf8)).get()
        #expect(request.jobID == "j-1")
        #expect(request.title == "T")
        #expect(request.skills == ["Swift"])
        #expect(request.budget == JobRequest.Budget(type: .hourly, min: 10, max: 20, currency: "USD"))
        #expect(request.client == JobRequest.Client(totalSpent: 5.5, hires: 3))
    }

    @Test("nulls count as absent for optional fields")
    func nulls() throws {
        let body = #"{"job_id":"j","title":"t","description":"d","skills":null,"budget":null,"client":null,"url":null,"questions":null,"metadata":null}"#
        let request = try JobRequest.decode(from: Array(body.utf8)).get()
        #expect(request.skills.isEmpty && request.budget == nil && request.metadata == nil)
    }

    @Test("fractional hires and a max below min are reported with their paths")
    func crossFieldRules() {
        let body = #"{"job_id":"j","title":"t","description":"d","budget":{"type":"fixed","min":100,"max":5},"client":{"hires":1.5}}"#
        guard case .failure(.invalid(let problems)) = JobRequest.decode(from: Array(body.utf8)) else {
            Issue.record("expected field problems")
            return
        }
        #expect(problems.map(\.path) == ["budget.max", "client.hires"])
    }

    @Test("url: an absolute http(s) URL by the rule docs/openapi.yaml states, kept whole up to 2,048 code points as sent")
    func urlRule() throws {
        func check(_ url: String) -> Result<JobRequest, JobRequestDecodingError> {
            let body = try? JSONSerialization.data(withJSONObject: ["job_id": "j", "title": "t", "description": "d", "url": url])
            return JobRequest.decode(from: Array(body ?? Data()))
        }
        for good in ["https://www.upwork.com/jobs/~01", "HTTP://user@host.example:8080/a?b#c", "http://[::1]/", " http://x.io "] {
            #expect((try? check(good).get())?.url == good.trimmingCharacters(in: .whitespaces), "\(good)")
        }
        for bad in ["ftp://x", "http://", "http://@", "http://:80/", "https:/x", "http://a b", "http://a\u{7}", "http://a\u{85}b", "mailto:a@b"] {
            guard case .failure(.invalid(let problems)) = check(bad) else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(problems.map(\.path) == ["url"], "\(bad)")
        }
        // Longer than the old 1,000-character cut, still whole; over 2,048 code points as sent, refused.
        let long = "https://example.com/" + String(repeating: "a", count: 1_500)
        #expect((try? check(long).get())?.url == long)
        let tooLong = "https://example.com/" + String(repeating: "a", count: 2_020) + String(repeating: " ", count: 10)
        #expect((try? check(tooLong).get()) == nil)
        #expect(try check("   ").get().url == nil, "white space only counts as absent")
    }

    @Test("metadata round-trips through the store's encoding unchanged")
    func metadataRoundTrip() throws {
        let body = #"{"job_id":"j","title":"t","description":"d","metadata":{"s":"x","n":4712,"f":1.5,"b":false,"z":null,"a":[1,"two",{"three":3}]}}"#
        let request = try JobRequest.decode(from: Array(body.utf8)).get()
        let decoded = try JSONDecoder().decode(JobRequest.self, from: JSONEncoder().encode(request))
        #expect(decoded.metadata == request.metadata)
        #expect(request.metadata?["n"] == .number(4712))
        #expect(request.metadata?["b"] == .bool(false))
    }
}
