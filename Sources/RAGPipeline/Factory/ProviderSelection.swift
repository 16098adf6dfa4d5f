/// Which implementation serves each stage, decided from ``PipelineSettings`` alone: no store
/// is opened and nothing connects. ``PipelineFactory`` builds exactly this selection, so a
/// description of it (e.g. `rag-worker config`) cannot disagree with the running pipeline.
///
/// The rule: OpenAI configured → OpenAI embedder and generator, else the lexical embedder
/// and extractive drafter; Supabase configured → Supabase store and sink, else Postgres when
/// `DATABASE_URL` is set, else SQLite; Cohere configured → Cohere reranker, else lexical BM25.
/// Cases carry no secrets (no API keys, no `DATABASE_URL`).
public struct ProviderSelection: Sendable, Equatable {
    /// The `embed` stage.
    public enum Embedder: Sendable, Equatable {
        case openAI(model: String, baseURL: String)
        case lexical
    }

    /// The backend of both the `retrieve` (vector store) and `persist` (result sink) stages.
    public enum Store: Sendable, Equatable {
        case supabase(url: String, matchFunction: String, resultsTable: String)
        /// Connection details stay in ``PipelineSettings/postgres``: the URL holds the password.
        case postgres
        case sqlite(path: String)
    }

    /// The `rerank` stage.
    public enum Reranker: Sendable, Equatable {
        case cohere(model: String, baseURL: String)
        case lexical
    }

    /// The `generate` stage.
    public enum Generator: Sendable, Equatable {
        case openAI(model: String, baseURL: String)
        case extractive
    }

    public var embedder: Embedder
    public var store: Store
    public var reranker: Reranker
    public var generator: Generator

    public init(settings: PipelineSettings) {
        if let openAI = settings.openAI {
            embedder = .openAI(model: openAI.embeddingModel, baseURL: openAI.baseURL)
            generator = .openAI(model: openAI.model, baseURL: openAI.baseURL)
        } else {
            embedder = .lexical
            generator = .extractive
        }
        if let supabase = settings.supabase {
            store = .supabase(url: supabase.url, matchFunction: supabase.matchFunction, resultsTable: supabase.resultsTable)
        } else if settings.postgres != nil {
            store = .postgres
        } else {
            store = .sqlite(path: settings.sqlitePath)
        }
        reranker = settings.cohere.map { .cohere(model: $0.model, baseURL: $0.baseURL) } ?? .lexical
    }
}
