import Synchronization
import Telemetry

/// One stage's model calls as the provider reported them: what a job's cost is computed from.
public struct ModelCallUsage: Sendable, Equatable {
    public var stage: PipelineStage
    /// `gen_ai.operation.name`: `embeddings`, `chat` or `retrieval` (rerank).
    public var operation: String
    /// `gen_ai.provider.name`: the provider's technology (`openai`, `cohere`).
    public var provider: String
    /// The provider's full name (`openai:gpt-4o-mini`), the `Provider` of the token metrics.
    public var providerName: String
    /// The model asked for: the key of the price table.
    public var model: String
    /// Summed over the stage's answered calls (a generation and its repair are one entry).
    public var usage: TokenUsage

    public init(stage: PipelineStage, operation: String, provider: String, providerName: String, model: String, usage: TokenUsage) {
        self.stage = stage
        self.operation = operation
        self.provider = provider
        self.providerName = providerName
        self.model = model
        self.usage = usage
    }
}

/// The model calls of one job run, appended by each stage (also a failed one: its tokens were
/// billed) and read by the job runner when the run ends, to price the job.
public final class JobUsageLog: Sendable {
    private let entries = Mutex<[ModelCallUsage]>([])

    public init() {}

    public func append(_ call: ModelCallUsage) {
        entries.withLock { $0.append(call) }
    }

    /// Every entry so far, in stage order.
    public var calls: [ModelCallUsage] { entries.withLock { $0 } }
}
