/// Turns text into vectors: the `embed` stage, and `ingest`.
///
/// ``OpenAIEmbedder`` in production, ``LexicalEmbedder`` as the embedded default. Vectors
/// from different embedders are not comparable, so stores keep the embedder's name with
/// each row and search only rows of the embedder in use.
public protocol Embedder: Sendable {
    var identity: ProviderIdentity { get }
    /// Length of every vector this embedder returns.
    var dimensions: Int { get }
    /// Most texts one ``embed(_:call:)`` call should carry (`ingest` batches by it).
    var maxBatchSize: Int { get }

    /// One vector per text, in order.
    func embed(_ texts: [String], call: ProviderCall) async throws -> Embeddings
}

/// Vectors and what they cost.
public struct Embeddings: Sendable {
    public var vectors: [[Float]]
    /// Tokens the provider counted, when it reports them.
    public var inputTokens: Int?

    public init(vectors: [[Float]], inputTokens: Int? = nil) {
        self.vectors = vectors
        self.inputTokens = inputTokens
    }
}
