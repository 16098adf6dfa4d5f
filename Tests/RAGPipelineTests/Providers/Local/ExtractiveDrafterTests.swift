import Testing

@testable import RAGPipeline

@Suite("ExtractiveDrafter")
struct ExtractiveDrafterTests {
    private static func chunk(_ id: String, source: String, title: String, _ content: String, score: Double) -> RankedDocument {
        RankedDocument(
            document: RetrievedDocument(id: id, title: title, source: source, content: content, similarity: score),
            keywordBoost: 0, matchedTerms: [], rerankScore: score
        )
    }

    private static let job = JobRequest(
        jobID: "job-1", title: "RAG chatbot on Postgres",
        description: "A support chatbot that answers from our help center, stored in PostgreSQL with pgvector.",
        skills: ["PostgreSQL", "LLM", "Kafka"]
    )

    private func draft(_ references: [RankedDocument]) -> GeneratedDraft {
        let terms = KeyTermExtractor().extract(from: Self.job)
        let boosted = KeywordBoost().apply(to: references.map(\.document), terms: terms)
        let scored = boosted.map { ranked in
            var ranked = ranked
            ranked.rerankScore = references.first { $0.document.id == ranked.document.id }?.rerankScore
            return ranked
        }
        return ExtractiveDrafter(quotedReferences: 3).draft(
            GenerationRequest(job: Self.job, references: KeywordBoost.sorted(scored), keyTerms: terms)
        )
    }

    @Test("past work is quoted once per project, however many of its chunks were retrieved")
    func onePerProject() {
        let draft = draft([
            Self.chunk("a1", source: "proposals/a.md", title: "Support assistant", "A support assistant that cites its articles.", score: 0.9),
            Self.chunk("a2", source: "proposals/a.md", title: "Support assistant", "Stored in Postgres with pgvector.", score: 0.8),
            Self.chunk("a3", source: "proposals/a.md", title: "Support assistant", "Answers drafted by large language models.", score: 0.7),
            Self.chunk("b1", source: "case-studies/b.md", title: "Chat widget", "An embeddable chat widget that streams answers.", score: 0.6),
        ])
        let lines = draft.proposal.text.split(separator: "\n").filter { $0.hasPrefix("- ") }
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("- Support assistant:") == true)
        #expect(lines.last?.hasPrefix("- Chat widget:") == true)
    }

    @Test("a skill the references mention under another name counts as covered; only the others are risks")
    func coverageUsesAliases() {
        let draft = draft([
            Self.chunk("a1", source: "proposals/a.md", title: "Support assistant", "Stored in Postgres; answers by large language models.", score: 0.9),
        ])
        #expect(draft.analysis.fitReasons.first == "Past work covers 2 of 3 listed skills: PostgreSQL and LLM.")
        #expect(draft.analysis.risks.contains("None of the closest past work mentions Kafka."))
        #expect(!draft.analysis.risks.contains { $0.contains("PostgreSQL") || $0.contains("LLM") })
    }

    @Test("a client nobody has reviewed (rating 0) is not reported as badly rated; a low rating is")
    func unratedClient() {
        func risks(rating: Double, hires: Int) -> [String] {
            var job = Self.job
            job.client = JobRequest.Client(country: "Australia", rating: rating, totalSpent: 0, hires: hires)
            return ExtractiveDrafter().draft(GenerationRequest(job: job, references: [], keyTerms: [])).analysis.risks
        }
        #expect(!risks(rating: 0, hires: 0).contains { $0.hasPrefix("Client rating") })
        #expect(risks(rating: 0, hires: 0).contains("The client has not hired on the platform before."))
        #expect(risks(rating: 3.2, hires: 4).contains("Client rating 3.2 of 5."))
    }
}
