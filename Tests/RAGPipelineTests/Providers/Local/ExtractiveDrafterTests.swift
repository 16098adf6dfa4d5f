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

    @Test("past work that matches nothing: said plainly, no examples quoted or cited in answers, the gap is a risk and not a fit reason")
    func weakMatch() {
        var job = JobRequest(
            jobID: "bakery", title: "Simple HTML website for a bakery",
            description: "A one-page website with our opening hours, a photo of the shop and a contact form.",
            skills: ["HTML"], questions: ["Can you show a site you built?"])
        job.budget = JobRequest.Budget(type: .fixed, min: 300, max: 500, currency: "USD")
        let terms = KeyTermExtractor().extract(from: job)
        let unrelated = [
            Self.chunk("a1", source: "proposals/a.md", title: "Support assistant", "A support assistant that cites its articles.", score: 0.08),
            Self.chunk("b1", source: "case-studies/b.md", title: "Chat widget", "An embeddable chat widget that streams answers.", score: 0.05),
        ]
        let draft = ExtractiveDrafter().draft(GenerationRequest(job: job, references: unrelated, keyTerms: terms))

        #expect(draft.analysis.fitScore < 35)
        #expect(!draft.proposal.text.contains("Relevant past work"))
        #expect(!draft.proposal.text.contains("Support assistant") && !draft.proposal.text.contains("Chat widget"))
        #expect(draft.proposal.text.contains("my past work is a weak match for this posting"))
        #expect(!draft.proposal.answers.contains { $0.answer.contains("Support assistant") || $0.answer.contains("Chat widget") })
        #expect(draft.analysis.fitReasons.isEmpty, "\(draft.analysis.fitReasons)")
        #expect(draft.analysis.risks.contains { $0.contains("weak match") })
        #expect(draft.analysis.risks.contains("None of the closest past work mentions HTML."))
    }

    @Test("the approach names the posting's listed skills, never words of its title")
    func approachFromSkills() {
        let draft = draft([
            Self.chunk("a1", source: "proposals/a.md", title: "Support assistant", "Stored in Postgres; answers by large language models.", score: 0.9),
        ])
        #expect(draft.proposal.text.contains("1. Agree on scope and success criteria for PostgreSQL, LLM and Kafka."))
        var untitled = Self.job
        untitled.skills = []
        let terms = KeyTermExtractor().extract(from: untitled)
        #expect(terms.contains { $0.kind == .keyword && $0.term == "chatbot" })
        let plain = ExtractiveDrafter().draft(GenerationRequest(job: untitled, references: [], keyTerms: terms))
        #expect(plain.proposal.text.contains("1. Agree on scope and success criteria for the first milestone."))
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
