/// The stages of a job, in order. Raw values are the `Stage` dimension values and span names' suffix.
public enum PipelineStage: String, Sendable, Hashable, CaseIterable, Codable {
    case validate
    case embed
    case retrieve
    case keywordBoost = "keyword-boost"
    case rerank
    case generate
    case persist
    case webhook

    /// Stages that can fall back without failing the job (`DegradedJobs` has a series for each):
    /// retrieval that found nothing, a failed rerank, and a draft delivered with screening
    /// questions its answers could not be matched to.
    public static let degradable: [PipelineStage] = [.retrieve, .rerank, .generate]

    /// The span name for this stage, e.g. `rag.embed`.
    public var spanName: String { "rag.\(rawValue)" }
}
