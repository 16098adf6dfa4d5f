import RAGPipeline
import Testing

@Suite("Quality: claims about past work")
struct ClaimExtractorTests {
    @Test("a past-work sentence naming a project, a client and a figure, a claim with those three anchors")
    func inventedProject() throws {
        let claim = try #require(ClaimExtractor.claim(in: "Last year I built FinLedger for Revolut, reaching 80,000 users."))
        #expect(claim.anchors.map(\.canonical) == ["finledger", "revolut", "80000"])
        #expect(claim.anchors.map(\.kind) == [.name, .name, .figure])
    }

    @Test("plans, first-person statements without a past and past statements naming nothing, not claims",
          arguments: [
              "I would start with a discovery call to agree on the scope with your team.",
              "I am excited about your Shopify store and the migration.",
              "I did this before and measured the result.",
              "The API will use Postgres and Swift.",
          ])
    func notClaims(sentence: String) {
        #expect(ClaimExtractor.claim(in: sentence) == nil)
    }

    @Test("figures, addresses and names in canonical form: 40% is 40, $12k is 12k, https://www.x.io/ is x.io")
    func canonicalForms() throws {
        let claim = try #require(ClaimExtractor.claim(in: "I shipped https://www.shopfast.io/ in 2023 and cut costs by 40% for $12k."))
        #expect(claim.anchors.map(\.canonical) == ["shopfast.io", "2023", "40", "12k"])
        #expect(claim.anchors.first?.kind == .url)
    }

    @Test("a proposal of several lines and list items, each sentence judged on its own")
    func sentences() {
        let text = """
            Hi,

            I read your posting. e.g. the sync part is clear.
            - Previously I delivered SwiftUI apps for Acme Health.
            1. Agree on scope.
            """
        #expect(ProposalText.sentences(text) == [
            "Hi,", "I read your posting.", "e.g. the sync part is clear.", "Previously I delivered SwiftUI apps for Acme Health.",
            "Agree on scope.",
        ])
        #expect(ClaimExtractor.claims(in: text).map(\.text) == ["Previously I delivered SwiftUI apps for Acme Health."])
    }

    @Test("word count, words with letters or digits between white space")
    func wordCount() {
        #expect(ProposalText.wordCount("Hello, world — it's 2024 (a test).") == 6)
        #expect(ProposalText.wordCount("") == 0)
    }
}
