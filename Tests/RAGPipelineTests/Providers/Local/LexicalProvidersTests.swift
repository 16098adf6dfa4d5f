import RAGPipeline
import Testing

@Suite("Lexical embedder and BM25 reranker")
struct LexicalProvidersTests {
    private static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test("vectors are unit length, deterministic, and closer for texts that share words")
    func embedderSimilarity() {
        let embedder = LexicalEmbedder()
        let query = embedder.vector(for: "SwiftUI fitness app with HealthKit")
        let near = embedder.vector(for: "We rebuilt a fitness app in SwiftUI and wrote workouts to HealthKit")
        let far = embedder.vector(for: "Nightly CSV imports into RDS with Step Functions")
        #expect(query.count == 1536)
        #expect(abs(Self.cosine(query, query) - 1) < 1e-5)
        #expect(query == LexicalEmbedder().vector(for: "SwiftUI fitness app with HealthKit"))
        #expect(Self.cosine(query, near) > Self.cosine(query, far) + 0.2)
        #expect(embedder.vector(for: "").allSatisfy { $0 == 0 })
    }

    @Test("BM25 ranks the document that covers the query's rare terms first, with scores in 0…1")
    func bm25() {
        let scores = LexicalReranker().score(query: "pgvector Supabase retrieval", documents: [
            "We used Supabase for auth.",
            "Retrieval with pgvector on Supabase, with an HNSW index.",
            "A Shopify theme.",
        ])
        #expect(scores.map(\.index) == [1, 0, 2])
        #expect(scores.allSatisfy { (0...1).contains($0.score) })
        #expect(scores.last?.score == 0)
    }
}
