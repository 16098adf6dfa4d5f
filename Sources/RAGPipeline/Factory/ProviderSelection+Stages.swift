import Foundation
import Telemetry

extension ProviderSelection {
    /// One stage of the selection, as people read it.
    public struct Stage: Sendable, Equatable {
        public var stage: PipelineStage
        /// Whether the stage runs on its embedded default (no keys, no network).
        public var isEmbeddedDefault: Bool
        /// What to configure for the real provider, when this is the embedded default.
        public var hint: String?
        /// The provider and where it is, e.g. `openai gpt-4o-mini at https://api.openai.com/v1`:
        /// URLs without credentials or query, never the `DATABASE_URL`.
        public var summary: String
    }

    /// The stage/provider table, embed through persist: what ``PipelineFactory`` builds for this
    /// selection (its ``PipelineComponents/stageProviders`` are these rows with the built
    /// providers' names) and what `rag-worker config` shows without building anything.
    public var stages: [Stage] {
        let storeIsEmbedded = if case .sqlite = store { true } else { false }
        return [
            Stage(stage: .embed, isEmbeddedDefault: embedder == .lexical,
                  hint: "set OPENAI_API_KEY for OpenAI embeddings", summary: embedderSummary),
            Stage(stage: .retrieve, isEmbeddedDefault: storeIsEmbedded,
                  hint: "set SUPABASE_URL and SUPABASE_KEY, or DATABASE_URL, for pgvector", summary: retrieveSummary),
            Stage(stage: .keywordBoost, isEmbeddedDefault: false, hint: nil, summary: "keyword boost (always on)"),
            Stage(stage: .rerank, isEmbeddedDefault: reranker == .lexical,
                  hint: "set COHERE_API_KEY for Cohere rerank", summary: rerankerSummary),
            Stage(stage: .generate, isEmbeddedDefault: generator == .extractive,
                  hint: "set OPENAI_API_KEY for OpenAI chat completions", summary: generatorSummary),
            Stage(stage: .persist, isEmbeddedDefault: storeIsEmbedded,
                  hint: "set SUPABASE_URL and SUPABASE_KEY, or DATABASE_URL", summary: persistSummary),
        ]
    }

    /// A URL without credentials or query (tokens sometimes ride in URLs), for people to read.
    public static func redactedURL(_ raw: String) -> String {
        guard let url = URL(string: raw), let host = url.host else { return "(unparseable URL)" }
        let port = url.port.map { ":\($0)" } ?? ""
        let query = url.query == nil ? "" : "?…"
        return "\(url.scheme ?? "https")://\(host)\(port)\(url.path)\(query)"
    }

    private var embedderSummary: String {
        switch embedder {
        case .openAI(let model, let baseURL): "openai \(model) at \(Self.redactedURL(baseURL))"
        case .lexical: "local lexical embedder (embedded default)"
        }
    }

    private var retrieveSummary: String {
        switch store {
        case .supabase(let url, let matchFunction, _): "supabase rpc \(matchFunction) at \(Self.redactedURL(url))"
        case .postgres: "postgres pgvector (DATABASE_URL)"
        case .sqlite: "sqlite exact cosine (embedded default)"
        }
    }

    private var rerankerSummary: String {
        switch reranker {
        case .cohere(let model, let baseURL): "cohere \(model) at \(Self.redactedURL(baseURL))"
        case .lexical: "lexical BM25 reranker (embedded default)"
        }
    }

    private var generatorSummary: String {
        switch generator {
        case .openAI(let model, let baseURL): "openai \(model) at \(Self.redactedURL(baseURL))"
        case .extractive: "extractive drafter (embedded default)"
        }
    }

    private var persistSummary: String {
        switch store {
        case .supabase(let url, _, _): "supabase table insert at \(Self.redactedURL(url))"
        case .postgres: "postgres table proposals (DATABASE_URL)"
        case .sqlite: "sqlite (embedded default)"
        }
    }
}
