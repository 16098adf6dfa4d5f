import Curl

/// Embeddings from OpenAI's `POST /embeddings` (or any OpenAI-compatible server at `baseURL`).
///
/// Batches inputs (``maxBatchSize`` per request), checks that every vector has
/// ``dimensions`` entries (the width of the stores' `vector(1536)` column) and asks
/// `text-embedding-3-*` models for exactly that width.
public struct OpenAIEmbedder: Embedder {
    public let identity: ProviderIdentity
    public let dimensions: Int
    public let maxBatchSize: Int
    private let baseURL: String
    private let model: String
    private let http: ProviderHTTP

    /// - Parameters:
    ///   - baseURL: e.g. `https://api.openai.com/v1` (`OPENAI_BASE_URL`).
    ///   - model: e.g. `text-embedding-3-small` (`OPENAI_EMBEDDING_MODEL`).
    public init(
        baseURL: String, model: String, dimensions: Int = 1536, batchSize: Int = 128,
        apiKey: APIKeyProvider, client: any HTTPClient
    ) {
        let identity = ProviderIdentity.remote("openai", model, model: model)
        self.identity = identity
        self.dimensions = dimensions
        self.maxBatchSize = max(1, min(batchSize, 2048))
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.http = ProviderHTTP(client: client, provider: identity, key: apiKey, placement: .bearer)
    }

    public func embed(_ texts: [String], call: ProviderCall) async throws -> Embeddings {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var tokens = 0
        for batch in texts.chunked(into: maxBatchSize) {
            let request = OpenAIWire.EmbeddingsRequest(
                model: model,
                // The API refuses empty strings; long inputs are cut well below the 8k-token limit.
                input: batch.map { $0.isEmpty ? " " : String($0.prefix(24_000)) },
                dimensions: model.hasPrefix("text-embedding-3") ? dimensions : nil
            )
            let (batchVectors, batchTokens) = try await call.run(timeLimit: .byOperation) { [http, baseURL, dimensions] timeout in
                let response = try await http.send(.post, url: baseURL + "/embeddings", json: request, timeout: timeout)
                let decoded = try http.decode(OpenAIWire.EmbeddingsResponse.self, from: response)
                let items = decoded.data.sorted { $0.index < $1.index }
                guard items.count == request.input.count, items.enumerated().allSatisfy({ $0.offset == $0.element.index }) else {
                    throw ProviderError(
                        kind: .malformedResponse, provider: http.provider.name, status: response.status,
                        message: "expected \(request.input.count) embeddings, got \(items.count)"
                    )
                }
                if let wrong = items.first(where: { $0.embedding.count != dimensions }) {
                    throw ProviderError(
                        kind: .rejected, provider: http.provider.name, status: response.status,
                        message: "the model returned \(wrong.embedding.count) dimensions where the store needs \(dimensions)"
                    )
                }
                let tokens = decoded.usage?.prompt_tokens ?? decoded.usage?.total_tokens ?? 0
                call.recordUsage(TokenUsage(inputTokens: tokens, outputTokens: 0, responseModel: decoded.model))
                return (items.map(\.embedding), tokens)
            }
            vectors.append(contentsOf: batchVectors)
            tokens += batchTokens
        }
        return Embeddings(vectors: vectors, inputTokens: tokens)
    }
}
