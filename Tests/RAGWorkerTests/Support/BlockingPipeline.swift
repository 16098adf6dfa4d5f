import RAGPipeline

@testable import RAGWorker

/// A pipeline whose runs never finish until cancelled: keeps jobs `running` for backlog and
/// shutdown tests.
struct BlockingPipeline: JobPipeline {
    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        try await Task.sleep(for: .seconds(3600))
        throw CancellationError()
    }
}
