import RAGPipeline
import Testing

@Suite("Quality: groundedness")
struct GroundednessTests {
    static let reference = ReferenceIndex(
        id: "rag-support", title: "RAG support assistant",
        content: "I built a retrieval-augmented support assistant for Helpdeskly on Postgres with pgvector. "
            + "It answered 62 percent of tickets without a human and cut first-response time from 4 hours to 9 minutes.")

    @Test("a claim that quotes the reference, supported; an invented project, unsupported and listed")
    func quotedAndInvented() {
        let claims = ClaimExtractor.claims(in: """
            I built a retrieval-augmented support assistant for Helpdeskly that answered 62% of tickets.
            In 2022 I built FinLedger for Revolut, which reached 80,000 users.
            """)
        #expect(claims.count == 2)
        let result = Groundedness.evaluate(claims: claims, references: [Self.reference])
        #expect(result.score == 0.5)
        #expect(result.unsupported == ["In 2022 I built FinLedger for Revolut, which reached 80,000 users."])
        #expect(result.supportedBy == ["rag-support"])
    }

    @Test("a claim whose names are all in a reference but whose words are not, unsupported")
    func anchorsAloneAreNotEnough() {
        let claim = ClaimExtractor.claim(in: "I migrated Helpdeskly payroll invoices into quarterly accounting ledgers last year.")!
        #expect(!Groundedness.supports(Self.reference, claim))
    }

    @Test("a figure the reference does not state, unsupported, though the rest matches")
    func wrongFigure() {
        let claim = ClaimExtractor.claim(in: "I built a support assistant for Helpdeskly that answered 90% of tickets.")!
        #expect(!Groundedness.supports(Self.reference, claim))
    }

    @Test("claims but no references, 0 (not NaN, no crash); no claims, no score")
    func edges() {
        let claims = ClaimExtractor.claims(in: "I built FinLedger for Revolut in 2022.")
        let none = Groundedness.evaluate(claims: claims, references: [])
        #expect(none.score == 0 && none.unsupported.count == 1)
        let empty = Groundedness.evaluate(claims: [], references: [Self.reference])
        #expect(empty.score == nil && empty.claims == 0)
    }

    @Test("references with curly quotes, dashes and accented names indexed like the proposal's words")
    func unicodeReference() {
        let reference = ReferenceIndex(id: "u", title: "Café Zürich — bookings",
                                       content: "I rebuilt Émilie’s booking site for Café Zürich\u{00A0}— 3,400 bookings a month, «fast».")
        let claim = ClaimExtractor.claim(in: "Previously I rebuilt Émilie’s booking site for Café Zürich, 3400 bookings a month.")!
        #expect(claim.anchors.map(\.canonical) == ["émilie's", "café", "zürich", "3400"])
        #expect(Groundedness.supports(reference, claim))
        let other = ClaimExtractor.claim(in: "Previously I rebuilt Émilie’s booking site for Café Genève.")!
        #expect(!Groundedness.supports(reference, other))
    }

    @Test("the overlap threshold is the rule's: 0.9 refuses what 0.5 accepts")
    func threshold() {
        let claim = ClaimExtractor.claim(in: "Previously I delivered a support assistant for Helpdeskly with fast onboarding dashboards.")!
        #expect(Groundedness.supports(Self.reference, claim, rule: .init(minimumContentOverlap: 0.3)))
        #expect(!Groundedness.supports(Self.reference, claim, rule: .init(minimumContentOverlap: 0.9)))
    }
}
