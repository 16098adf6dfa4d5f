import Foundation
import RAGPipeline
import SQLite
import Telemetry
import Testing

@Suite("SQLiteVectorStore")
struct SQLiteVectorStoreTests {
    private static func call() -> ProviderCall {
        .standalone(provider: .remote("sqlite", "cosine"), logger: TestEnvironment.logger)
    }

    private static func chunk(_ index: Int, source: String = "doc.md") -> DocumentChunk {
        DocumentChunk(title: "Doc", source: source, index: index, content: "content \(index)")
    }

    private static func randomVector(_ dimensions: Int, using generator: inout some RandomNumberGenerator) -> [Float] {
        (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) }
    }

    @Test("search returns the nearest vectors by cosine similarity, in order, as a brute-force scan finds them")
    func nearestInOrder() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let store = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            var generator = SeededGenerator(seed: 42)
            let vectors = (0..<300).map { _ in Self.randomVector(64, using: &generator) }
            let chunks = vectors.enumerated().map { EmbeddedChunk(chunk: Self.chunk($0.offset), embedding: $0.element, embeddingModel: "m") }
            #expect(try await store.upsert(chunks, call: Self.call()) == 300)

            let query = Self.randomVector(64, using: &generator)
            let found = try await store.search(query, limit: 10, embeddingModel: "m", call: Self.call())

            func cosine(_ a: [Float], _ b: [Float]) -> Double {
                let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0 * $1.1) }
                let na = a.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot(), nb = b.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
                return dot / (na * nb)
            }
            let expected = vectors.enumerated().sorted { cosine($0.element, query) > cosine($1.element, query) }.prefix(10)
            #expect(found.map(\.content) == expected.map { "content \($0.offset)" })
            for (document, reference) in zip(found, expected) {
                #expect(abs(document.similarity - cosine(reference.element, query)) < 1e-4)
            }
        }
    }

    @Test("upserts are idempotent on the content hash, and rows of another embedding model are never returned")
    func idempotentAndIsolated() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let store = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            let a = EmbeddedChunk(chunk: Self.chunk(0), embedding: [1, 0, 0], embeddingModel: "model-a")
            let b = EmbeddedChunk(chunk: Self.chunk(0), embedding: [1, 0, 0], embeddingModel: "model-b")
            #expect(try await store.upsert([a, b], call: Self.call()) == 2)
            #expect(try await store.upsert([a, b], call: Self.call()) == 0)
            #expect(try await store.existingHashes([a.contentHash, "nope"], call: Self.call()) == [a.contentHash])

            let found = try await store.search([1, 0, 0], limit: 5, embeddingModel: "model-a", call: Self.call())
            #expect(found.count == 1)
            #expect(found.first?.metadata["embedding_model"] == .string("model-a"))
            #expect(try await store.search([1, 0, 0], limit: 5, embeddingModel: "model-c", call: Self.call()).isEmpty)
        }
    }

    @Test("a write by another connection to the same file (e.g. the ingest command) is seen by the next search")
    func seesOtherWriters() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let worker = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            let ingest = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            _ = try await ingest.upsert([EmbeddedChunk(chunk: Self.chunk(0), embedding: [0, 1], embeddingModel: "m")], call: Self.call())
            #expect(try await worker.search([1, 0], limit: 5, embeddingModel: "m", call: Self.call()).map(\.content) == ["content 0"])

            _ = try await ingest.upsert([EmbeddedChunk(chunk: Self.chunk(1), embedding: [1, 0], embeddingModel: "m")], call: Self.call())
            #expect(try await worker.search([1, 0], limit: 5, embeddingModel: "m", call: Self.call()).map(\.content) == ["content 1", "content 0"])

            let removed = try await ingest.removeStale(source: "doc.md", embeddingModel: "m",
                                                       keeping: [Self.chunk(1).contentHash(embeddingModel: "m")], call: Self.call())
            #expect(removed == 1)
            #expect(try await worker.search([1, 0], limit: 5, embeddingModel: "m", call: Self.call()).map(\.content) == ["content 1"])
        }
    }

    @Test("a query of another width than the stored vectors is rejected with a clear error")
    func dimensionMismatch() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let store = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            _ = try await store.upsert([EmbeddedChunk(chunk: Self.chunk(0), embedding: [1, 0, 0], embeddingModel: "m")], call: Self.call())
            let error = await #expect(throws: ProviderError.self) {
                try await store.search([1, 0], limit: 5, embeddingModel: "m", call: Self.call())
            }
            #expect(error?.kind == .rejected)
            #expect(error?.message.contains("2 dimensions") == true)
        }
    }
}

/// A deterministic generator (SplitMix64), so test data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
