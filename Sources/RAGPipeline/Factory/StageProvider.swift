import Telemetry

/// Which provider serves a stage, for `rag-worker config`, start-up logs and the result's
/// `providers` map.
public struct StageProvider: Sendable, Equatable, CustomStringConvertible {
    public var stage: PipelineStage
    /// ``ProviderIdentity/name``, e.g. `openai:gpt-4o-mini` or `extractive-drafter`.
    public var provider: String
    /// Whether this is the embedded default (no keys, no network).
    public var isEmbeddedDefault: Bool
    /// What to configure to use the real provider, when this is the embedded default.
    public var hint: String?

    public init(stage: PipelineStage, provider: String, isEmbeddedDefault: Bool, hint: String? = nil) {
        self.stage = stage
        self.provider = provider
        self.isEmbeddedDefault = isEmbeddedDefault
        self.hint = hint
    }

    /// e.g. `rerank: bm25-reranker (embedded default; set COHERE_API_KEY for Cohere)`.
    public var description: String {
        var text = "\(stage.rawValue): \(provider)"
        if isEmbeddedDefault, let hint { text += " (embedded default; \(hint))" }
        return text
    }
}
