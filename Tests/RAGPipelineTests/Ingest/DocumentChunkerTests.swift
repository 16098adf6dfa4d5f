import Foundation
import RAGPipeline
import Testing

@Suite("Document loading and chunking")
struct DocumentChunkerTests {
    @Test("Markdown is cut at headings, chunks carry the heading path and stay under the size limit")
    func markdownSections() {
        let text = """
            # Fitness app rebuild

            Intro paragraph about the client.

            ## Offline sync
            \(String(repeating: "Operations are queued and merged per field. ", count: 40))

            ### Conflicts
            Set counts merge additively.

            ## Outcome
            - Crash-free sessions 99.6 %.
            - Rating 4.6.
            """
        let document = SourceDocument(title: "Fitness app rebuild", source: "a.md", text: text, format: .markdown)
        let chunks = DocumentChunker(maxCharacters: 600).chunks(of: document)

        #expect(chunks.allSatisfy { $0.content.count <= 600 })
        #expect(chunks.first?.section == nil)
        #expect(chunks.first?.content == "Intro paragraph about the client.")
        #expect(chunks.contains { $0.section == "Offline sync" })
        #expect(chunks.contains { $0.section == "Offline sync › Conflicts" && $0.content == "Set counts merge additively." })
        #expect(chunks.last?.section == "Outcome")
        #expect(chunks.last?.content == "- Crash-free sessions 99.6 %.\n- Rating 4.6.")
        #expect(chunks.map(\.index) == Array(0..<chunks.count))
        #expect(chunks.filter { $0.section == "Offline sync" }.count >= 3, "a long paragraph is split at sentences")
    }

    @Test("a directory yields its Markdown, text and JSON documents in name order, with titles and metadata")
    func loader() async throws {
        try await TestEnvironment.withTemporaryDirectory { directory in
            try "# Title From Heading\n\nBody.".write(to: directory.appendingPathComponent("b.md"), atomically: true, encoding: .utf8)
            try "Plain text body.".write(to: directory.appendingPathComponent("a-note.txt"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
            try #"[{"title":"One","content":"First.","tags":["x"],"year":2024},{"text":"Second."},{"nothing":1}]"#
                .write(to: directory.appendingPathComponent("sub/c.json"), atomically: true, encoding: .utf8)
            try "ignored".write(to: directory.appendingPathComponent("d.pdf"), atomically: true, encoding: .utf8)

            let documents = try DocumentLoader.load(paths: [directory.path])
            #expect(documents.map(\.source) == ["a-note.txt", "b.md", "sub/c.json#1", "sub/c.json#2"])
            #expect(documents.map(\.title) == ["A note", "Title From Heading", "One", "C 2"])
            #expect(documents[2].metadata == ["tags": .array([.string("x")]), "year": .number(2024)])
            #expect(throws: IngestError.self) { try DocumentLoader.load(paths: [directory.appendingPathComponent("missing").path]) }
        }
    }

    @Test("the bundled sample corpus has 20 or more documents across the project's fields")
    func sampleCorpus() throws {
        let documents = try DocumentLoader.load(paths: [PipelineResources.sampleCorpus.path])
        #expect(documents.count >= 20)
        let text = documents.map(\.text).joined(separator: " ")
        for topic in ["SwiftUI", "pgvector", "AWS CDK", "Shopify", "Python"] {
            #expect(text.contains(topic), "no document mentions \(topic)")
        }
    }
}
