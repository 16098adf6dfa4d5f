/// Everything the pipeline factory needs, in the pipeline's own terms. The worker maps its
/// `Config` onto it; a provider section left `nil` selects that stage's embedded default.
///
/// Keys and secrets are closures read at each use, so a value rotated in Secrets Manager
/// takes effect without a restart.
public struct PipelineSettings: Sendable {
    /// OpenAI or an OpenAI-compatible server: embeddings and chat completions.
    public struct OpenAI: Sendable {
        /// `OPENAI_BASE_URL`, default `https://api.openai.com/v1`.
        public var baseURL: String
        /// `OPENAI_MODEL`, default `gpt-4o-mini`.
        public var model: String
        /// `OPENAI_EMBEDDING_MODEL`, default `text-embedding-3-small`.
        public var embeddingModel: String
        /// `OPENAI_API_KEY` (secret).
        public var apiKey: APIKeyProvider
        /// Inputs per embeddings request during ingest (default 128).
        public var embeddingBatchSize: Int
        /// Sent only when set.
        public var temperature: Double?
        /// `max_completion_tokens`, sent only when set.
        public var maxOutputTokens: Int?

        public init(
            baseURL: String = "https://api.openai.com/v1", model: String = "gpt-4o-mini",
            embeddingModel: String = "text-embedding-3-small", apiKey: APIKeyProvider,
            embeddingBatchSize: Int = 128, temperature: Double? = nil, maxOutputTokens: Int? = nil
        ) {
            self.baseURL = baseURL
            self.model = model
            self.embeddingModel = embeddingModel
            self.apiKey = apiKey
            self.embeddingBatchSize = embeddingBatchSize
            self.temperature = temperature
            self.maxOutputTokens = maxOutputTokens
        }
    }

    /// Cohere rerank.
    public struct Cohere: Sendable {
        /// `COHERE_BASE_URL`, default `https://api.cohere.com`.
        public var baseURL: String
        /// `COHERE_RERANK_MODEL`, default `rerank-v3.5`.
        public var model: String
        /// `COHERE_API_KEY` (secret).
        public var apiKey: APIKeyProvider

        public init(baseURL: String = "https://api.cohere.com", model: String = "rerank-v3.5", apiKey: APIKeyProvider) {
            self.baseURL = baseURL
            self.model = model
            self.apiKey = apiKey
        }
    }

    /// Supabase's REST API: retrieval RPC, document writes, result inserts.
    public struct Supabase: Sendable {
        /// `SUPABASE_URL`, the project URL.
        public var url: String
        /// `SUPABASE_KEY` (secret): a secret or `service_role` key.
        public var apiKey: APIKeyProvider
        public var documentsTable: String
        public var matchFunction: String
        public var resultsTable: String

        public init(url: String, apiKey: APIKeyProvider, documentsTable: String = "documents",
                    matchFunction: String = "match_documents", resultsTable: String = "proposals") {
            self.url = url
            self.apiKey = apiKey
            self.documentsTable = documentsTable
            self.matchFunction = matchFunction
            self.resultsTable = resultsTable
        }
    }

    /// A direct Postgres connection (pgvector).
    public struct Postgres: Sendable {
        /// `DATABASE_URL` (secret).
        public var url: String
        /// The URL the configuration holds now, read every few seconds so a rotated one is
        /// picked up without a restart (``RotatingPostgresClient``); nil keeps `url`.
        public var currentURL: @Sendable () -> String?

        public init(url: String, currentURL: @escaping @Sendable () -> String? = { nil }) {
            self.url = url
            self.currentURL = currentURL
        }
    }

    public var openAI: OpenAI?
    public var cohere: Cohere?
    public var supabase: Supabase?
    public var postgres: Postgres?
    /// `RAG_DATA_DIR`: the embedded stores live in `<dataDirectory>/pipeline.sqlite`.
    public var dataDirectory: String
    public var retrieval: ProposalPipeline.Retrieval
    public var keyTerms: KeyTermExtractor
    public var keywordBoost: KeywordBoost
    /// The split of the job's deadline (the deadline itself comes with each job).
    public var timeouts: StageTimeouts
    public var retry: RetryPolicy
    /// Width of stored vectors (the migration's `vector(1536)`).
    public var embeddingDimensions: Int
    /// Every configured secret value (API keys, webhook secret, database URL, Basic auth
    /// password), read at each check by ``OutputGuard``.
    public var secretValues: @Sendable () -> [String]

    public init(
        openAI: OpenAI? = nil, cohere: Cohere? = nil, supabase: Supabase? = nil, postgres: Postgres? = nil,
        dataDirectory: String = "./data",
        retrieval: ProposalPipeline.Retrieval = ProposalPipeline.Retrieval(),
        keyTerms: KeyTermExtractor = KeyTermExtractor(),
        keywordBoost: KeywordBoost = KeywordBoost(),
        timeouts: StageTimeouts = .default,
        retry: RetryPolicy = RetryPolicy(),
        embeddingDimensions: Int = 1536,
        secretValues: @escaping @Sendable () -> [String] = { [] }
    ) {
        self.openAI = openAI
        self.cohere = cohere
        self.supabase = supabase
        self.postgres = postgres
        self.dataDirectory = dataDirectory
        self.retrieval = retrieval
        self.keyTerms = keyTerms
        self.keywordBoost = keywordBoost
        self.timeouts = timeouts
        self.retry = retry
        self.embeddingDimensions = embeddingDimensions
        self.secretValues = secretValues
    }

    /// The SQLite file of the embedded stores.
    public var sqlitePath: String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "pipeline.sqlite"
    }
}

/// Settings the factory cannot use; lists every problem at once, never a secret value.
public struct PipelineSettingsError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String {
        "invalid pipeline settings:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
