import ArgumentParser
import Curl
import Foundation
import Logging
import RAGPipeline

/// `rag-worker ingest PATH…`: chunks Markdown, JSON and text documents of past work, embeds
/// them and stores them in the configured vector store, idempotently.
///
/// Reads the same environment variables as `serve` (`OPENAI_API_KEY`, `SUPABASE_URL`,
/// `SUPABASE_KEY`, `DATABASE_URL`, `RAG_DATA_DIR`, …), so documents land where the worker
/// retrieves them, embedded by the embedder it queries with. With `DATABASE_URL` the shipped
/// migrations are applied first.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Chunk, embed and store documents of past work for retrieval.",
        discussion: """
            Files: .md/.markdown and .txt as text, .json as one document object, an array of them, \
            or {"documents": [...]}, each with a title and content. Directories are read recursively. \
            Running it again adds only what changed and removes chunks of documents that changed.
            """
    )

    @Argument(help: "Files or directories to ingest.")
    var paths: [String] = []

    @Flag(help: "Also ingest the sample corpus bundled with rag-worker.")
    var sample = false

    @Option(help: "Largest chunk, in characters.")
    var maxChunkCharacters = 1_200

    @Flag(help: "Only count what retrieval can find in the configured store; exit 1 when it is empty.")
    var check = false

    func validate() throws {
        if paths.isEmpty && !sample && !check {
            throw ValidationError("give at least one path, --sample for the bundled corpus, or --check to count what is stored")
        }
    }

    func run() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let (config, _) = try await loadConfigOrExit(httpClient: client)
        let logger = {
            var logger = Logger(label: "rag-worker.ingest")
            logger.logLevel = config.logLevel
            return logger
        }()
        let paths = self.paths
        let sample = self.sample
        let chunker = DocumentChunker(maxCharacters: maxChunkCharacters)
        let inventory = try await PipelineFactory.withComponents(settings: config.pipelineSettings(), httpClient: client, logger: logger) { components in
            let applied = try await components.migrate(logger: logger)
            if !applied.isEmpty { print("applied migrations: \(applied.joined(separator: ", "))") }
            let ingestor = Ingestor(
                embedder: components.providers.embedder, store: components.providers.vectorStore,
                chunker: chunker, logger: logger)
            print("embedding with \(ingestor.embedder.identity.name) into \(ingestor.store.identity.name)")
            if !paths.isEmpty {
                print("ingested \(try await ingestor.ingest(paths: paths))")
            }
            if sample {
                print("ingested the sample corpus: \(try await ingestor.ingestSampleCorpus())")
            }
            return try await components.storeInventory(logger: logger)
        }
        print("retrieval can find: \(inventory)")
        if check && inventory.isEmpty {
            FileHandle.standardError.write(Data("""
                rag-worker: the store holds no past work for \(inventory.embeddingModel): every proposal would be drafted \
                without references. Ingest with the worker's configuration: rag-worker ingest PATH… (or --sample)

                """.utf8))
            throw ExitCode(1)
        }
    }
}
