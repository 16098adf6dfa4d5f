import Foundation
import RAGPipeline
import Testing

@Suite("Quality: screening questions and length")
struct QuestionCoverageTests {
    let questions = ["Have you built a RAG system?", "What is your availability?", "Which stack do you prefer?"]

    @Test("placeholder, empty and echoed answers and a missing one, each counted as unanswered")
    func unanswered() {
        let answers = [
            Proposal.Answer(question: questions[0], answer: "N/A"),
            Proposal.Answer(question: questions[1], answer: "  "),
            Proposal.Answer(question: questions[2], answer: "which stack do you prefer"),
        ]
        let coverage = QuestionCoverage.measure(questions: questions, answers: answers)
        #expect(coverage.asked == 3 && coverage.answered == 0)
        #expect(coverage.unanswered == questions)
        let missing = QuestionCoverage.measure(questions: questions, answers: [Proposal.Answer(question: questions[0], answer: "Yes, twice.")])
        #expect(missing.answered == 1 && missing.unanswered == Array(questions.dropFirst()))
    }

    @Test("answers matched by question text in any order, or by position when the model rephrased the question")
    func matching() {
        let answers = [
            Proposal.Answer(question: questions[2], answer: "Swift on the server."),
            Proposal.Answer(question: "When can you start?", answer: "Monday."),
            Proposal.Answer(question: questions[0], answer: "Yes, for a support desk."),
        ]
        let coverage = QuestionCoverage.measure(questions: questions, answers: answers)
        #expect(coverage.answered == 3 && coverage.unanswered.isEmpty)
    }

    @Test("length against the asked range, and the range is the one the system prompt asks for")
    func length() throws {
        let long = LengthCheck.measure(String(repeating: "word ", count: 400))
        #expect(long.words == 400 && !long.withinRange)
        #expect(LengthCheck.measure(String(repeating: "word ", count: 200)).withinRange)
        let system = try String(contentsOf: PipelineResources.url("prompts").appendingPathComponent("system.md"), encoding: .utf8)
        #expect(system.contains("\(LengthCheck.askedWords.lowerBound) to \(LengthCheck.askedWords.upperBound) words"))
    }

    @Test("the lexical evaluator, claims in answers counted with the proposal's")
    func evaluator() {
        let reference = ReferenceIndex(id: "r", title: "Shop", content: "I migrated Acme Outdoor from Magento to Shopify in 2023.")
        let assessment = LexicalQualityEvaluator().assess(ProposalQualityInput(
            proposal: "I migrated Acme Outdoor from Magento to Shopify in 2023.",
            answers: [Proposal.Answer(question: questions[0], answer: "Yes: in 2021 I built RAGdesk for Contoso.")],
            questions: [questions[0]], references: [reference]))
        #expect(assessment.evaluator == "lexical-v1")
        #expect(assessment.groundedness.claims == 2 && assessment.groundedness.score == 0.5)
        #expect(assessment.coverage.answered == 1)
    }
}
