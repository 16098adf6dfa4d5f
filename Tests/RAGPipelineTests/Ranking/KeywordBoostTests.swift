import Testing

@testable import RAGPipeline

@Suite("KeywordBoost and key terms")
struct KeywordBoostTests {
    private static func document(_ id: String, _ content: String, similarity: Double) -> RetrievedDocument {
        RetrievedDocument(id: id, title: "Doc \(id)", source: nil, content: content, similarity: similarity)
    }

    @Test("matching ignores case and punctuation: Node.js, NODE JS and nodejs all match the skill Node.js")
    func caseAndPunctuation() {
        let terms = KeyTermExtractor().extract(from: JobRequest(jobID: "1", title: "API", description: "x", skills: ["Node.js", "C++"]))
        let boost = KeywordBoost()
        for text in ["built with node.js", "NODE JS backend", "a NodeJS service", "node-js, daily"] {
            #expect(boost.matches(in: text, terms: terms).map(\.term).contains("Node.js"), "no match in \(text)")
        }
        #expect(boost.matches(in: "written in C++ and Rust", terms: terms).map(\.term).contains("C++"))
        #expect(!boost.matches(in: "written in C and Rust", terms: terms).map(\.term).contains("C++"))
        #expect(boost.matches(in: "nodes and jsons", terms: terms).isEmpty)
    }

    @Test("a skill matches its common other names and its plural, but not an everyday word")
    func aliases() {
        let job = JobRequest(jobID: "1", title: "Chatbot", description: "x",
                             skills: ["PostgreSQL", "LLM", "OpenAI API", "Vector database", "REST API", "Kubernetes"])
        let terms = KeyTermExtractor().extract(from: job)
        let boost = KeywordBoost()
        let cases: [(text: String, skill: String)] = [
            ("stored in Postgres with pgvector", "PostgreSQL"),
            ("answers drafted by large language models", "LLM"),
            ("two LLMs behind one router", "LLM"),
            ("embedded with OpenAI text-embedding-3-small", "OpenAI API"),
            ("compared three vector databases", "Vector database"),
            ("deployed on k8s with Helm", "Kubernetes"),
        ]
        for (text, skill) in cases {
            #expect(boost.matches(in: text, terms: terms).map(\.term).contains(skill), "\(skill) not matched in \(text)")
        }
        #expect(boost.matches(in: "the rest of the app calls an internal api", terms: terms).map(\.term) == [])
        #expect(boost.matches(in: "a relational database and a vector of numbers", terms: terms).map(\.term) == [])
    }

    @Test("a description word that only respells a listed skill is not a keyword of its own")
    func aliasIsNotAKeyword() {
        let job = JobRequest(jobID: "1", title: "Postgres tuning", description: "Tune our Postgres and Postgres replicas. Postgres!",
                             skills: ["PostgreSQL"])
        let terms = KeyTermExtractor().extract(from: job)
        #expect(terms.filter { $0.kind == .skill }.map(\.term) == ["PostgreSQL"])
        #expect(!terms.contains { $0.kind == .keyword && $0.term == "postgres" })
        #expect(terms.contains { $0.kind == .keyword && $0.term == "tuning" })
    }

    @Test("the boost grows with matched weight, is bounded by the weight, and is recorded per document")
    func boundedAndRecorded() {
        let job = JobRequest(jobID: "1", title: "Swift app", description: "An app.", skills: ["Swift", "SwiftUI", "HealthKit", "StoreKit"])
        let terms = KeyTermExtractor().extract(from: job)
        let boost = KeywordBoost(weight: 0.2, saturation: 3)
        let ranked = boost.apply(to: [
            Self.document("none", "A Python scraper.", similarity: 0.50),
            Self.document("one", "Built in Swift.", similarity: 0.50),
            Self.document("all", "Swift, SwiftUI, HealthKit and StoreKit app.", similarity: 0.50),
        ], terms: terms)

        #expect(ranked.map(\.document.id) == ["all", "one", "none"])
        let byID = Dictionary(uniqueKeysWithValues: ranked.map { ($0.document.id, $0) })
        #expect(byID["none"]?.keywordBoost == 0)
        #expect(abs((byID["one"]?.keywordBoost ?? 0) - 0.2 / 3) < 1e-9)
        #expect(byID["all"]?.keywordBoost == 0.2, "four skills saturate at the weight")
        #expect(byID["all"]?.matchedTerms == ["Swift", "SwiftUI", "HealthKit", "StoreKit", "app"])
        #expect(byID["all"]?.reference.keywordBoost == 0.2)
    }

    @Test("a document's tokens are reused across jobs, but an edited document under the same id is matched on its new text")
    func tokenCache() {
        let terms = KeyTermExtractor().extract(from: JobRequest(jobID: "1", title: "t", description: "d", skills: ["Kafka"]))
        let boost = KeywordBoost(weight: 0.15)
        let before = boost.apply(to: [Self.document("doc", "Event pipelines on Kafka.", similarity: 0.5)], terms: terms)
        _ = boost.apply(to: [Self.document("doc", "Event pipelines on Kafka.", similarity: 0.5)], terms: terms)
        #expect(boost.tokenCache.count == 1)
        let edited = boost.apply(to: [Self.document("doc", "Event pipelines on RabbitMQ.", similarity: 0.5)], terms: terms)
        #expect(before.first?.matchedTerms == ["Kafka"])
        #expect(edited.first?.matchedTerms == [])
    }

    @Test("the token cache stays within its capacity")
    func tokenCacheBounded() {
        let cache = DocumentTokenCache(capacity: 3)
        for index in 0..<10 {
            #expect(cache.tokens(of: "Doc \(index) text", id: "\(index)").sequence == ["doc", "\(index)", "text"])
            #expect(cache.count <= 3)
        }
    }

    @Test("a boost can lift a less similar document above a more similar one, never by more than the weight")
    func reorders() {
        let terms = KeyTermExtractor().extract(from: JobRequest(jobID: "1", title: "t", description: "d", skills: ["pgvector", "Supabase", "RAG"]))
        let ranked = KeywordBoost(weight: 0.15).apply(to: [
            Self.document("similar", "Generic chatbot work.", similarity: 0.60),
            Self.document("skilled", "RAG on Supabase with pgvector.", similarity: 0.50),
            Self.document("far", "RAG on Supabase with pgvector.", similarity: 0.40),
        ], terms: terms)
        #expect(ranked.map(\.document.id) == ["skilled", "similar", "far"])
    }

    @Test("key terms are the skills, then frequent words of title and description without stop words")
    func extraction() {
        let job = JobRequest(
            jobID: "1", title: "Shopify theme speed", description: "Our Shopify store needs theme work: the theme is slow and the gallery is small.",
            skills: ["Shopify", "Liquid"])
        let terms = KeyTermExtractor(maxKeywords: 3).extract(from: job)
        #expect(terms.map(\.term) == ["Shopify", "Liquid", "theme", "speed", "store"])
        #expect(terms.map(\.kind) == [.skill, .skill, .keyword, .keyword, .keyword])
    }
}
