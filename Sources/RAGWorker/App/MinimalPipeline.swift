import Curl
import Foundation
import RAGPipeline
import Telemetry

/// An interim embedded pipeline: drafts a proposal from the job alone, recording each stage.
///
/// It stands in until `RAGPipeline`'s `ProposalPipeline` (embedded defaults and real providers)
/// is wired in; it makes no network calls and retrieves nothing.
struct MinimalPipeline: JobPipeline {
    func run(_ job: JobRequest, context: JobContext) async throws -> ProposalResult {
        for stage in [PipelineStage.embed, .retrieve, .keywordBoost, .rerank] {
            try Task.checkCancellation()
            await context.recordStage(StageTiming(stage: stage, milliseconds: 0, provider: "none", outcome: "skipped"))
        }
        let started = ContinuousClock.now
        let skills = job.skills.isEmpty ? "" : " I work daily with \(job.skills.prefix(5).joined(separator: ", "))."
        let text = "Hello! I read your post \"\(job.title)\" and would be glad to help.\(skills) "
            + "I can start with a short call to confirm the scope and then deliver in small, reviewable steps."
        let answers = job.questions.map { Proposal.Answer(question: $0, answer: "Happy to discuss this on a call; I will share concrete examples.") }
        await context.recordStage(StageTiming(
            stage: .generate, milliseconds: (ContinuousClock.now - started).seconds * 1000, provider: "minimal-drafter"
        ))
        await context.recordStage(StageTiming(stage: .persist, milliseconds: 0, provider: "job-store"))
        return ProposalResult(
            proposal: Proposal(text: text, answers: answers, generatedBy: "minimal-drafter"),
            analysis: Analysis(fitScore: 50, fitReasons: ["No past work was consulted."], keyRequirements: Array(job.skills.prefix(5)), risks: []),
            references: [],
            providers: ["generate": "minimal-drafter"]
        )
    }
}
