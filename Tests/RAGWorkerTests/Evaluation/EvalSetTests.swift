import Foundation
import RAGPipeline
import Testing
import TestSupport

@testable import RAGWorker

/// The evaluation set's loader: the committed set loads whole, and every bad file gives one
/// message naming the file, the job and the problem, with nothing loaded.
@Suite("eval set loading")
struct EvalSetTests {
    private static let good = """
        {"job": {"job_id": "a-1", "title": "RAG bot", "description": "Answer from our docs."},
         "grades": {"proposals/rag-support-assistant.md": 2}, "facts": ["pgvector"]}
        """

    /// The problems of a set made of `files` (name → text); fails the test when it loads.
    private static func problems(_ files: [String: String], stored: Set<String>? = nil) throws -> [EvalSetProblem] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: directory.file(name))) }
        do {
            let cases = try EvalSet.load(directory: URL(fileURLWithPath: directory.path), storedDocuments: stored)
            Issue.record("loaded \(cases.count) cases")
            return []
        } catch let error as EvalSetError {
            return error.problems
        }
    }

    @Test("the committed set loads: at least 40 jobs, some matching no past work, some with screening questions")
    func committedSet() throws {
        let cases = try EvalSet.load(directory: PackagePaths.root.appendingPathComponent("fixtures/eval/jobs"), storedDocuments: nil)
        #expect(cases.count >= 40)
        #expect(cases.filter(\.isNoMatch).count >= 3)
        #expect(cases.filter { !$0.job.questions.isEmpty }.count >= 10)
        #expect(cases.allSatisfy { $0.isNoMatch || $0.grades.values.contains(2) || $0.grades.values.contains(1) })
    }

    @Test("a file that is not JSON is named, with the job unknown")
    func invalidJSON() throws {
        let found = try Self.problems(["01-good.json": Self.good, "02-broken.json": "{\"job\": {"])
        #expect(found.map(\.description) == ["02-broken.json: job (unknown): is not valid JSON"])
    }

    @Test("missing fields are named with the file and the job, the job's own fields by path")
    func missingFields() throws {
        let found = try Self.problems([
            "a.json": #"{"job": {"job_id": "no-grades", "title": "t", "description": "d"}, "facts": []}"#,
            "b.json": #"{"job": {"job_id": "no-title", "description": "d"}, "grades": {}, "facts": []}"#,
            "c.json": #"{"grades": {}, "facts": []}"#,
        ])
        let lines = found.map(\.description)
        #expect(lines.contains("a.json: job no-grades: missing field grades (use {} for a posting that matches no past work)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("b.json: job no-title: job.title: ") }, "\(lines)")
        #expect(lines.contains("c.json: job (unknown): missing field job"), "\(lines)")
        #expect(lines.count == 3, "\(lines)")
    }

    @Test("a grade for a document the store does not hold is named")
    func unknownDocument() throws {
        let found = try Self.problems(["x.json": Self.good], stored: ["proposals/other.md"])
        #expect(found.map(\.description) == ["x.json: job a-1: grades a document the store does not hold: proposals/rag-support-assistant.md"])
        // The same file passes against a store that holds the document.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data(Self.good.utf8).write(to: URL(fileURLWithPath: directory.file("x.json")))
        let cases = try EvalSet.load(directory: URL(fileURLWithPath: directory.path), storedDocuments: ["proposals/rag-support-assistant.md"])
        #expect(cases.map(\.job.jobID) == ["a-1"])
    }

    @Test("a duplicate job id names both files")
    func duplicateJob() throws {
        let found = try Self.problems(["1.json": Self.good, "2.json": Self.good])
        #expect(found.map(\.description) == ["2.json: job a-1: duplicate job id, first used in 1.json"])
    }

    @Test("grades outside 0…3 and non-string facts are refused")
    func badValues() throws {
        let found = try Self.problems(["g.json": """
            {"job": {"job_id": "g", "title": "t", "description": "d"}, "grades": {"a.md": 2.5, "b.md": -1}, "facts": [3]}
            """])
        #expect(found.map(\.problem) == [
            "grades[\"a.md\"] must be an integer from 0 to 3", "grades[\"b.md\"] must be an integer from 0 to 3",
            "facts[0] must be a non-empty string",
        ])
    }
}
