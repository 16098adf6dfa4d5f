import Foundation
import Testing
import TestSupport

/// `rag-worker demo` as a newcomer runs it: the debug binary, embedded defaults, the sample
/// corpus, a job posted over HTTP and the printout read back.
@Suite("rag-worker demo")
struct DemoCommandTests {
    /// Runs the demo on `job` (a posting as JSON) in a fresh directory; returns its printout.
    private static func demo(_ job: String) async throws -> String {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("job.json")
        try Data(job.utf8).write(to: URL(fileURLWithPath: file))
        let run = try await runWorkerCommand(["demo", "--job", file, "--data-dir", directory.file("data")], environment: [:])
        #expect(run.status == 0, "\(run.output)")
        return run.output
    }

    /// The lines of the printout's section `title` (e.g. `References`), up to the next blank line.
    private static func section(_ title: String, of output: String) -> [String] {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("── \(title) ──") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.isEmpty })
    }

    @Test("a job no past work matches: said plainly, no unrelated 'Relevant past work', no '+' on a gap, the approach from its skills")
    func unmatchedJob() async throws {
        let output = try await Self.demo("""
            {"job_id": "bakery-1", "title": "Simple HTML website for a bakery",
             "description": "A one-page website with our opening hours, a photo of the shop and a contact form.",
             "skills": ["HTML"], "questions": ["Can you show a site you built?"]}
            """)
        #expect(!output.contains("Relevant past work"), "\(output)")
        #expect(output.contains("my past work is a weak match for this posting"), "\(output)")
        #expect(output.contains("1. Agree on scope and success criteria for HTML."), "\(output)")
        let analysis = Self.section("Analysis", of: output)
        #expect(analysis.contains { $0.hasPrefix("  ! ") && $0.contains("weak match") }, "\(analysis)")
        #expect(analysis.contains("  ! None of the closest past work mentions HTML."), "\(analysis)")
        for line in analysis where line.hasPrefix("  + ") {
            #expect(!line.contains(" 0 of ") && !line.contains("weak") && !line.contains("No comparable"), "a gap signed +: \(line)")
        }
        // The answer does not quote past work the draft just called unrelated.
        #expect(!output.contains("A: From "), "\(output)")
    }

    @Test("the references list each past document once, however many of its chunks were retrieved")
    func referencesOnce() async throws {
        let job = try String(contentsOf: PackagePaths.root.appendingPathComponent("fixtures/jobs/rag-chatbot.json"), encoding: .utf8)
        let output = try await Self.demo(job)
        let titles = Self.section("References", of: output).map { $0.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true).last.map(String.init) ?? $0 }
        #expect(titles.count >= 2, "\(output)")
        #expect(Set(titles).count == titles.count, "a document listed twice: \(titles)")
        let quoted = output.split(separator: "\n").filter { $0.hasPrefix("- ") }.map { $0.split(separator: ":").first.map(String.init) ?? "" }
        #expect(Set(quoted).count == quoted.count)
    }
}
