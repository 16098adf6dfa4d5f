import Foundation
import MetricsTestKit
import RAGPipeline
import Telemetry
import Testing
import TestSupport

/// Deliver rather than drop: a usable proposal whose screening answers do not line up with the
/// questions (missing, extra, out of order) after the repair attempt is delivered with the
/// answers that match, the rest marked unanswered, `degraded` saying so and
/// `QuestionsUnanswered` counting them. Every case runs the whole pipeline against the loopback
/// OpenAI double.
@Suite("Screening answers that do not line up")
struct AnswerDeliveryTests {
    static let questions = [
        "How would you measure answer quality?",
        "Which vector database would you choose and why?",
        "When could you start?",
    ]

    static let job = TestEnvironment.job(id: "answers-1", questions: questions)

    /// A reply with a usable proposal and `answers` as given.
    static func reply(_ answers: [(question: String, answer: String)], proposal: String = "A proposal long enough to pass validation, in three milestones.") -> String {
        let object: [String: Any] = [
            "proposal": proposal,
            "answers": answers.map { ["question": $0.question, "answer": $0.answer] },
            "fit_score": 70, "fit_reasons": ["Relevant past work"], "key_requirements": ["RAG"], "risks": [],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs the job with the double answering `first` and then `repaired`.
    static func run(
        first: String, repaired: String, job: JobRequest = job,
        _ check: @Sendable (ProposalResult, PipelineHarness, [StageTiming]) async throws -> Void
    ) async throws {
        let double = OpenAIDouble(apiKey: PipelineHarness.openAIKey)
        double.setChatResponder { request in request.messages.count > 2 ? repaired : first }
        try await PipelineHarness.run(openAI: double) { harness in
            try await harness.seedCorpus()
            let log = StageLog()
            let result = try await harness.pipeline(try harness.remoteProviders()).run(job, context: log.context(jobID: job.jobID))
            #expect(await harness.openAI.chat.count == 2, "one repair attempt first")
            try await check(result, harness, await log.timings)
        }
    }

    static func unanswered(_ harness: PipelineHarness) -> Int64 {
        harness.metrics.counterTotal(label: MetricCatalogue.questionsUnanswered.name)
    }

    @Test("answers missing after the repair: delivered with the two that match, the third marked unanswered, degraded, counted")
    func missing() async throws {
        let partial = Self.reply([(Self.questions[0], "With a labelled set and groundedness checks."), (Self.questions[2], "Next Monday.")])
        try await Self.run(first: partial, repaired: partial) { result, harness, timings in
            #expect(result.proposal.answers.map(\.question) == Self.questions)
            #expect(result.proposal.answers.map(\.answered) == [true, false, true])
            #expect(result.proposal.answers.map(\.answer) == ["With a labelled set and groundedness checks.", "", "Next Monday."])
            let note = try #require(result.degraded.first { $0.hasPrefix("generate:") })
            #expect(note.contains("1 of 3 screening questions left unanswered"), "\(note)")
            #expect(timings.first { $0.stage == .generate }?.outcome == "degraded")
            #expect(Self.unanswered(harness) == 1)
            // What the webhook and GET /jobs/{id} carry: the flag, on every answer.
            let encoded = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
            #expect(encoded.contains(#""answered":false"#) && encoded.contains(#""answered":true"#))
        }
    }

    @Test("an extra answer matching no question is dropped; every question answered, degraded names the drop, nothing counted")
    func extra() async throws {
        let longer = Self.reply(Self.questions.map { ($0, "Answer to: \($0)") } + [("Tell us about yourself.", "I build RAG systems.")])
        try await Self.run(first: longer, repaired: longer) { result, harness, _ in
            #expect(result.proposal.answers.map(\.answer) == Self.questions.map { "Answer to: \($0)" })
            #expect(result.proposal.answers.allSatisfy { $0.answered })
            let note = try #require(result.degraded.first { $0.hasPrefix("generate:") })
            #expect(note.contains("1 answer matching no question dropped"), "\(note)")
            #expect(Self.unanswered(harness) == 0)
        }
    }

    @Test("answers out of order are matched to their questions by text, and degraded says they were")
    func outOfOrder() async throws {
        let shuffled = Self.reply([2, 0, 1].map { (Self.questions[$0], "Answer \($0)") })
        try await Self.run(first: shuffled, repaired: shuffled) { result, harness, _ in
            #expect(result.proposal.answers.map(\.question) == Self.questions)
            #expect(result.proposal.answers.map(\.answer) == ["Answer 0", "Answer 1", "Answer 2"])
            #expect(result.proposal.answers.allSatisfy { $0.answered })
            let note = try #require(result.degraded.first { $0.hasPrefix("generate:") })
            #expect(note.contains("out of order"), "\(note)")
            #expect(Self.unanswered(harness) == 0)
        }
    }

    @Test("a repair that breaks the proposal falls back to the first reply, whose proposal was usable")
    func repairBreaksProposal() async throws {
        let partial = Self.reply([(Self.questions[1], "pgvector, to keep one database.")])
        let broken = Self.reply(Self.questions.map { ($0, "fine") }, proposal: "")
        try await Self.run(first: partial, repaired: broken) { result, harness, _ in
            #expect(result.proposal.text.hasPrefix("A proposal long enough"))
            #expect(result.proposal.answers.map(\.answered) == [false, true, false])
            #expect(result.degraded.contains { $0.contains("2 of 3 screening questions left unanswered") })
            #expect(Self.unanswered(harness) == 2)
        }
    }

    @Test("an unusable proposal still fails the job after the repair, whatever the answers")
    func unusableProposalFails() async throws {
        let short = Self.reply(Self.questions.map { ($0, "fine") }, proposal: "Too short.")
        let double = OpenAIDouble(apiKey: PipelineHarness.openAIKey)
        double.setChatResponder { _ in short }
        try await PipelineHarness.run(openAI: double) { harness in
            let error = await #expect(throws: PipelineError.self) {
                try await harness.pipeline(try harness.remoteProviders()).run(Self.job, context: StageLog().context(jobID: Self.job.jobID))
            }
            #expect(error?.code == .invalidModelOutput)
            #expect(Self.unanswered(harness) == 0)
        }
    }

    @Test("each request's schema asks for exactly as many answers as the job has questions")
    func schemaAsksForTheCount() async throws {
        for questions in [Self.questions, []] {
            try await PipelineHarness.run { harness in
                let generator = try harness.openAIGenerator()
                let job = TestEnvironment.job(id: "count-\(questions.count)", questions: questions)
                _ = try await generator.generate(
                    GenerationRequest(job: job, references: [], keyTerms: []),
                    call: .standalone(provider: generator.identity, logger: TestEnvironment.logger))
                let body = try #require(await harness.openAI.chat.requests.first?.jsonObject)
                let format = try #require(body["response_format"] as? [String: Any])
                let schema = try #require((format["json_schema"] as? [String: Any])?["schema"] as? [String: Any])
                let answers = try #require((schema["properties"] as? [String: Any])?["answers"] as? [String: Any])
                #expect(answers["minItems"] as? Int == questions.count)
                #expect(answers["maxItems"] as? Int == questions.count)
            }
        }
    }
}
