import RAGPipeline

extension ProviderSelection {
    /// `(stage, provider)` for `rag-worker config`, embed through persist. URLs are shown
    /// without credentials or query; the `DATABASE_URL` is never shown.
    var summaryLines: [(String, String)] {
        [
            ("embed", embedderSummary),
            ("retrieve", retrieveSummary),
            ("keyword-boost", "keyword boost (always on)"),
            ("rerank", rerankerSummary),
            ("generate", generatorSummary),
            ("persist", persistSummary),
        ]
    }

    private var embedderSummary: String {
        switch embedder {
        case .openAI(let model, let baseURL): "openai \(model) at \(Config.redactedURL(baseURL))"
        case .lexical: "local lexical embedder (embedded default)"
        }
    }

    private var retrieveSummary: String {
        switch store {
        case .supabase(let url, let matchFunction, _): "supabase rpc \(matchFunction) at \(Config.redactedURL(url))"
        case .postgres: "postgres pgvector (DATABASE_URL)"
        case .sqlite: "sqlite exact cosine (embedded default)"
        }
    }

    private var rerankerSummary: String {
        switch reranker {
        case .cohere(let model, let baseURL): "cohere \(model) at \(Config.redactedURL(baseURL))"
        case .lexical: "lexical BM25 reranker (embedded default)"
        }
    }

    private var generatorSummary: String {
        switch generator {
        case .openAI(let model, let baseURL): "openai \(model) at \(Config.redactedURL(baseURL))"
        case .extractive: "extractive drafter (embedded default)"
        }
    }

    private var persistSummary: String {
        switch store {
        case .supabase(let url, _, _): "supabase table insert at \(Config.redactedURL(url))"
        case .postgres: "postgres table proposals (DATABASE_URL)"
        case .sqlite: "sqlite (embedded default)"
        }
    }
}
