import Foundation
import RAGPipeline
import Telemetry
import Testing

@Suite("Ingestor")
struct IngestorTests {
    @Test("ingesting the same files twice adds nothing the second time; a changed file replaces its chunks")
    func idempotent() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            let corpus = directory.appendingPathComponent("corpus")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            let file = corpus.appendingPathComponent("work.md")
            try "# Work\n\nFirst paragraph.\n\n## Part\nSecond paragraph.".write(to: file, atomically: true, encoding: .utf8)
            try "Other text.".write(to: corpus.appendingPathComponent("other.txt"), atomically: true, encoding: .utf8)

            let store = try await SQLiteVectorStore(database: try SQLiteDatabaseFactory.open(directory))
            let ingestor = Ingestor(embedder: LexicalEmbedder(), store: store, logger: TestEnvironment.logger)
            let first = try await ingestor.ingest(paths: [corpus.path])
            #expect(first == Ingestor.Report(documents: 2, chunks: 3, inserted: 3, unchanged: 0, removed: 0))
            let second = try await ingestor.ingest(paths: [corpus.path])
            #expect(second == Ingestor.Report(documents: 2, chunks: 3, inserted: 0, unchanged: 3, removed: 0))
            #expect(try await store.count() == 3)

            try "# Work\n\nFirst paragraph.\n\n## Part\nA rewritten second paragraph.".write(to: file, atomically: true, encoding: .utf8)
            let third = try await ingestor.ingest(paths: [corpus.path])
            #expect(third == Ingestor.Report(documents: 2, chunks: 3, inserted: 1, unchanged: 2, removed: 1))
            #expect(try await store.count() == 3)
        }
    }
}
