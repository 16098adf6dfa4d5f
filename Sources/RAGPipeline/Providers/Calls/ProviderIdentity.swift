/// Who serves a stage: a display name for results, logs and `rag-worker config`, and the
/// technology (`system`) used as the low-cardinality `Provider` metric dimension.
///
/// Names in use: `openai:<model>`, `cohere:<model>`, `supabase:match_documents`,
/// `supabase:<table>`, `postgres:pgvector`, `postgres:<table>`, `sqlite:cosine`,
/// `sqlite:<table>`, `lexical-embedder`, `bm25-reranker`, `extractive-drafter`, `keyword-boost`.
public struct ProviderIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The technology: `openai`, `cohere`, `supabase`, `postgres`, `sqlite` or `local`.
    public let system: String
    /// The full name, e.g. `openai:gpt-4o-mini`.
    public let name: String
    /// The model, for `gen_ai.request.model`, when the provider runs one.
    public let model: String?

    public init(system: String, name: String, model: String? = nil) {
        self.system = system
        self.name = name
        self.model = model
    }

    /// A remote provider named `system:detail`.
    public static func remote(_ system: String, _ detail: String, model: String? = nil) -> ProviderIdentity {
        ProviderIdentity(system: system, name: "\(system):\(detail)", model: model)
    }

    /// An embedded default that runs in the process.
    public static func local(_ name: String) -> ProviderIdentity {
        ProviderIdentity(system: "local", name: name)
    }

    public var description: String { name }

    /// Whether this is an embedded default (no network, no keys).
    public var isEmbedded: Bool { system == "local" || system == "sqlite" }
}
