import Curl
import Foundation
import Hummingbird
import InMemoryTracing
import MetricsTestKit
import RAGPipeline
import SQLite
import Telemetry
import TestSupport

/// One loopback server hosting the OpenAI, Cohere and PostgREST doubles, and a pipeline wired
/// to them through a real `CurlHTTPClient`, with an in-memory tracer and test metrics.
struct PipelineHarness {
    let openAI: OpenAIDouble
    let cohere: CohereDouble
    let postgREST: PostgRESTDouble
    let client: CurlHTTPClient
    let tracer: InMemoryTracer
    let metrics: TestMetrics
    let baseURL: String

    static let openAIKey = "sk-test-openai-0123456789abcdef"
    static let cohereKey = "cohere-test-key-0123456789"
    static let supabaseKey = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXRlc3Q"

    /// Fast retries for tests: 4 attempts, 50–200 ms backoff, no jitter.
    static let fastRetry = RetryPolicy(
        maxAttempts: 4, backoff: Backoff(base: .milliseconds(50), maximum: .milliseconds(200), jitter: .none),
        maxDelay: .seconds(3), minimumAttemptTime: .milliseconds(50)
    )

    /// Runs `body` with all three doubles on one loopback server.
    static func run<T: Sendable>(
        openAI: OpenAIDouble = OpenAIDouble(apiKey: openAIKey),
        _ body: @Sendable (PipelineHarness) async throws -> T
    ) async throws -> T {
        let cohere = CohereDouble(apiKey: cohereKey)
        let postgREST = PostgRESTDouble(apiKey: supabaseKey)
        let router = Router()
        openAI.register(on: router)
        cohere.register(on: router)
        postgREST.register(on: router)
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        return try await withLoopbackServer(router) { baseURL in
            try await body(PipelineHarness(
                openAI: openAI, cohere: cohere, postgREST: postgREST, client: client,
                tracer: InMemoryTracer(), metrics: TestMetrics(), baseURL: baseURL
            ))
        }
    }

    var openAIEmbedder: OpenAIEmbedder {
        OpenAIEmbedder(baseURL: baseURL + "/v1", model: "text-embedding-3-small", apiKey: .fixed(Self.openAIKey), client: client)
    }

    func openAIGenerator(apiKey: APIKeyProvider = .fixed(Self.openAIKey)) throws -> OpenAIGenerator {
        OpenAIGenerator(baseURL: baseURL + "/v1", model: "gpt-4o-mini", apiKey: apiKey, client: client, prompts: try PromptLibrary.load())
    }

    var cohereReranker: CohereReranker {
        CohereReranker(baseURL: baseURL, model: "rerank-v3.5", apiKey: .fixed(Self.cohereKey), client: client)
    }

    var supabaseStore: SupabaseVectorStore {
        SupabaseVectorStore(projectURL: baseURL, apiKey: .fixed(Self.supabaseKey), client: client)
    }

    var supabaseSink: SupabaseResultSink {
        SupabaseResultSink(projectURL: baseURL, apiKey: .fixed(Self.supabaseKey), client: client)
    }

    /// Every real provider against the doubles.
    func remoteProviders() throws -> ProposalPipeline.Providers {
        ProposalPipeline.Providers(
            embedder: openAIEmbedder, vectorStore: supabaseStore, reranker: cohereReranker,
            generator: try openAIGenerator(), resultSink: supabaseSink
        )
    }

    /// A pipeline over `providers` with fast retries and the default deadline split scaled by `scale`.
    func pipeline(
        _ providers: ProposalPipeline.Providers,
        scale: Double = 1,
        secrets: [String] = [openAIKey, cohereKey, supabaseKey]
    ) -> ProposalPipeline {
        ProposalPipeline(
            providers: providers, timeouts: StageTimeouts.default.scaled(by: scale), retry: Self.fastRetry,
            outputGuard: OutputGuard(secretValues: { secrets }), tracer: tracer, metrics: metrics
        )
    }

    /// Ingests part of the sample corpus (enough documents for 24 chunks or more: more than the
    /// 20 candidates a search asks for) into the PostgREST double through the OpenAI double.
    /// Part, not all: every test of the suite seeds its own doubles, and the suites run in parallel.
    func seedCorpus() async throws {
        let chunker = DocumentChunker()
        var documents: [SourceDocument] = []
        var chunks = 0
        for document in try DocumentLoader.load(paths: [PipelineResources.sampleCorpus.path]) where chunks < 24 {
            documents.append(document)
            chunks += chunker.chunks(of: document).count
        }
        let report = try await Ingestor(embedder: openAIEmbedder, store: supabaseStore, logger: TestEnvironment.logger)
            .ingest(documents: documents)
        precondition(report.inserted >= 20)
    }
}
